package dev.quench.core.store;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.mvstore.MVStore;

/**
 * The embedded H2 store's connections, each of which, when closed after it changed something, returns
 * only once those changes are written to the file ({@link H2FileWrites}): what a caller does after
 * closing it (answer 202, start a step's side effect, report a run's end) survives a crash of the
 * process. H2 itself runs with a write delay, so commits are cheap and the waits of many callers share
 * one write (a group commit).
 *
 * <p>Every connection of the store goes through here (Jdbi's, Quartz's, Flyway's, raw JDBC), so a write
 * is awaited unless its caller said it need not be: {@link #deferring} marks the writes of the run path
 * whose loss a crash makes harmless, because a later awaited write on the same path carries them (today
 * the claim, carried by the claimed run's first step start). A connection counts as having changed
 * something when it prepared any statement that is not a {@code select} (or made a plain
 * {@code Statement}, whose SQL it cannot see).
 *
 * <p>Thread-safe; each connection is used by one thread at a time, as JDBC connections are.
 */
final class DurableDataSource implements DataSource {

    /** Set on a thread while it makes writes that need not be awaited. */
    private static final ThreadLocal<Boolean> DEFERRING = new ThreadLocal<>();

    private final DataSource pool;

    DurableDataSource(DataSource pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    /**
     * Runs {@code work}, whose writes are not awaited when its connections close: they reach the file
     * with the next awaited write (of any thread) or within H2's write delay.
     */
    static <T> T deferring(Supplier<T> work) {
        if (Boolean.TRUE.equals(DEFERRING.get())) {
            return work.get();
        }
        DEFERRING.set(Boolean.TRUE);
        try {
            return work.get();
        } finally {
            DEFERRING.remove();
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(pool.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return wrap(pool.getConnection(username, password));
    }

    private static Connection wrap(Connection connection) {
        return (Connection) Proxy.newProxyInstance(DurableDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new Awaiting(connection));
    }

    /** A connection that notes whether it changed something and, if so, awaits the write when closed. */
    private static final class Awaiting implements InvocationHandler {

        private final Connection connection;
        private boolean changed;
        private boolean closed;

        Awaiting(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close" -> {
                    close();
                    return null;
                }
                case "prepareStatement", "prepareCall" -> changed |= !isSelect((String) args[0]);
                case "createStatement" -> changed = true;
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                default -> { }
            }
            try {
                return method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        private void close() throws SQLException {
            if (closed) {
                return;
            }
            closed = true;
            boolean await = changed && !Boolean.TRUE.equals(DEFERRING.get());
            // Read before the connection goes back to the pool; awaited after, so the pool need not wait.
            MVStore store = await && !connection.isClosed() ? H2FileWrites.storeOf(connection) : null;
            connection.close();
            if (store != null) {
                try {
                    H2FileWrites.awaitWritten(store);
                } catch (RuntimeException e) {
                    throw new SQLException("the store committed a change but could not write it to its file "
                            + "(H2 stops the database after such a failure; Quench reopens it on the next use): "
                            + e.getMessage(), e);
                }
            }
        }
    }

    /** Whether {@code sql} is a query (it may lock rows, but changes nothing). */
    static boolean isSelect(String sql) {
        int start = 0;
        while (start < sql.length() && (Character.isWhitespace(sql.charAt(start)) || sql.charAt(start) == '(')) {
            start++;
        }
        return sql.regionMatches(true, start, "select", 0, 6)
                && (sql.length() == start + 6 || !Character.isLetterOrDigit(sql.charAt(start + 6)))
                || sql.regionMatches(true, start, "values", 0, 6);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : pool.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || pool.isWrapperFor(type);
    }

    @Override
    public String toString() {
        return "writes awaited: " + pool;
    }
}
