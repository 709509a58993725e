package dev.quench.core.store;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

/**
 * Writes an embedded H2 store's committed changes to its file (to the operating system; H2 never
 * fsyncs a commit) before a caller proceeds: the group commit behind {@link DurableDataSource}.
 *
 * <p>The store runs with a write delay, so a commit changes H2's pages in memory and writes nothing.
 * {@link #awaitWritten} then asks H2's {@link MVStore#commit()}, which is itself a group commit:
 * at most one store operation runs at a time, and a caller that waited for one that began after its
 * own commit finds the version moved on and returns, its changes written by that one. One chunk is
 * written for every caller waiting at once, instead of one per commit. The H2 background writer
 * (it runs once per write delay, and does the file's housekeeping) hands its chunk to two writer
 * threads and returns before they wrote it: a caller whose commit that chunk carried waits for
 * those threads too ({@link MVStore#executeFilestoreOperation}, which drains them).
 *
 * <p>Stateless; thread-safe (as H2's store operations are).
 */
final class H2FileWrites {

    private H2FileWrites() {
    }

    /**
     * The MVStore behind {@code connection}, an embedded H2 connection (Hikari's proxy of one too);
     * read for each use, since H2 replaces it when it reopens the database after a failure.
     *
     * @throws SQLException when the connection is not to an embedded H2 database
     */
    static MVStore storeOf(Connection connection) throws SQLException {
        JdbcConnection h2 = connection.unwrap(JdbcConnection.class);
        if (!(h2.getSession() instanceof SessionLocal session)) {
            throw new SQLException("not an embedded H2 connection: " + h2.getSession().getClass().getName());
        }
        return session.getDatabase().getStore().getMvStore();
    }

    /**
     * Returns once every change committed before this call is written to the file of {@code store}.
     * Callers waiting at the same time share one write.
     */
    static void awaitWritten(MVStore store) {
        if (store.isClosed()) {
            return; // H2 closed it after a failure: the commit that came before this failed and said so
        }
        // H2 stops waiting for its writer threads when the waiting thread is interrupted (a cancelled run, a
        // stopping engine): wait uninterrupted, then hand the interrupt back.
        boolean interrupted = Thread.interrupted();
        try {
            if (store.commit() < 0) {
                // Not written by this call: by another caller's write (done: it held the store lock we waited
                // for), or by the background writer, whose chunk may still be in its writer threads' queues.
                store.executeFilestoreOperation(() -> { });
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
