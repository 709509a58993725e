package dev.quench.core.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The engine's database: a connection pool, the schema (migrated at open) and Jdbi over it.
 * H2 (embedded, the default) and PostgreSQL run the same schema. Thread-safe.
 */
public final class Store implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final AlertRepository alerts;
    private final RunRepository runs;

    private Store(HikariDataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.alerts = new AlertRepository(jdbi);
        this.runs = new RunRepository(jdbi);
    }

    /**
     * Opens the store at {@code jdbcUrl} and brings its schema up to date.
     *
     * @throws StoreException naming the URL (never the password) and the cause
     */
    public static Store open(String jdbcUrl, String user, String password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(durable(jdbcUrl));
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(10);
        config.setPoolName("quench-store");
        config.setInitializationFailTimeout(10_000);
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("cannot open the store at " + jdbcUrl + ": " + rootMessage(e)
                    + ". Check store.url, that the database is reachable, and the credentials.", e);
        }
        try {
            migrate(dataSource);
        } catch (RuntimeException e) {
            dataSource.close();
            throw new StoreException("cannot bring the store schema at " + jdbcUrl + " up to date: " + rootMessage(e), e);
        }
        Store store = new Store(dataSource);
        try {
            LegacyJournalTable.drain(store.jdbi);
        } catch (RuntimeException e) {
            dataSource.close();
            throw new StoreException("cannot store the alerts left in the old ingest journal table at " + jdbcUrl
                    + ": " + rootMessage(e), e);
        }
        return store;
    }

    /**
     * Makes an embedded H2 file store safe to answer 202 from: each commit is written before the
     * answer ({@code WRITE_DELAY=0}; H2's default 500 ms delay lost acknowledged alerts in the crash
     * test), and the file is opened through H2's {@code retry:} file system, because with the plain
     * file system one interrupted thread (a cancelled run, a scheduler shutting down) closes the
     * file channel and leaves the whole database unusable until restart.
     */
    static String durable(String jdbcUrl) {
        String url = jdbcUrl;
        if (url.startsWith("jdbc:h2:file:")) {
            url = "jdbc:h2:retry:" + url.substring("jdbc:h2:file:".length());
        }
        if (url.startsWith("jdbc:h2:retry:") && !url.toUpperCase(java.util.Locale.ROOT).contains("WRITE_DELAY")) {
            url = url + ";WRITE_DELAY=0";
        }
        return url;
    }

    private static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .table("quench_schema_history")
                .load()
                .migrate();
    }

    public AlertRepository alerts() {
        return alerts;
    }

    public RunRepository runs() {
        return runs;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        dataSource.close();
    }

    static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
