package dev.quench.core.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Locale;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The engine's database: a connection pool, the schema (migrated at open) and Jdbi over it.
 * H2 (embedded, the default) and PostgreSQL run the same schema. Thread-safe.
 */
public final class Store implements AutoCloseable {

    private final HikariDataSource pool;
    /** The pool, or on an embedded H2 file store the pool whose writes are awaited ({@link DurableDataSource}). */
    private final DataSource dataSource;
    private final Jdbi jdbi;
    private final AlertRepository alerts;
    private final RunRepository runs;
    private final GuardRepository guards;
    private final EngineSwitchRepository switches;
    private final ScheduleRepository schedules;
    private final TokenRepository tokens;
    private final AuditRepository audit;
    private final RetentionRepository retention;
    private final MaintenanceLeaseRepository leases;
    private final NodeRepository nodes;
    private final CancelRequestRepository cancelRequests;
    private final GivenAlertRepository givenAlerts;
    private final ConsoleSessionRepository consoleSessions;
    private final BreakerRepository breakers;
    private final IncidentRepository incidents;
    private final ToilRepository toil;

    private Store(HikariDataSource pool, DataSource dataSource) {
        this.pool = pool;
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.alerts = new AlertRepository(jdbi);
        this.runs = new RunRepository(jdbi);
        this.guards = new GuardRepository(jdbi);
        this.switches = new EngineSwitchRepository(jdbi);
        this.schedules = new ScheduleRepository(jdbi);
        this.tokens = new TokenRepository(jdbi);
        this.audit = new AuditRepository(jdbi);
        this.retention = new RetentionRepository(jdbi);
        this.leases = new MaintenanceLeaseRepository(jdbi);
        this.nodes = new NodeRepository(jdbi);
        this.cancelRequests = new CancelRequestRepository(jdbi);
        this.givenAlerts = new GivenAlertRepository(jdbi);
        this.consoleSessions = new ConsoleSessionRepository(jdbi);
        this.breakers = guards.breakers();
        this.incidents = new IncidentRepository(jdbi);
        this.toil = new ToilRepository(jdbi);
    }

    /**
     * Opens the store at {@code jdbcUrl} and brings its schema up to date.
     *
     * @throws StoreException naming the URL (never the password) and the cause
     */
    public static Store open(String jdbcUrl, String user, String password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        HikariConfig config = new HikariConfig();
        String url = durable(jdbcUrl);
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(10);
        config.setPoolName("quench-store");
        config.setInitializationFailTimeout(10_000);
        // Hikari waits 30 s for a connection by default: while PostgreSQL is down a webhook would hang that
        // long instead of answering 503 at once, which the sender retries.
        config.setConnectionTimeout(5_000);
        // After a full disk H2 closes the database under the pool's connections: drop them, so it reopens.
        config.setExceptionOverride(new ClosedDatabaseEviction());
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(config);
        } catch (RuntimeException e) {
            String cause = rootMessage(e);
            throw new StoreException("cannot open the store at " + jdbcUrl + ": " + cause + (inUse(cause)
                    ? ". Another process has this store open, most likely the 'quench serve' whose data directory "
                    + "it is: talk to that engine with --server URL, or use a data directory of your own (--data DIR)."
                    : ". Check store.url, that the database is reachable, and the credentials."), e, inUse(cause));
        }
        DataSource connections = url.startsWith("jdbc:h2:retry:") ? new DurableDataSource(dataSource) : dataSource;
        try {
            migrate(connections);
        } catch (RuntimeException e) {
            dataSource.close();
            throw new StoreException("cannot bring the store schema at " + jdbcUrl + " up to date: " + rootMessage(e), e);
        }
        return new Store(dataSource, connections);
    }

    /**
     * Makes an embedded H2 file store safe to answer 202 from, and private:
     * <ul>
     * <li>a commit is written before its caller goes on, but many commits share one write: H2 runs with
     * its write delay ({@code WRITE_DELAY=500}, H2's default), so a commit writes nothing, and a connection
     * that changed something waits, when closed, until the change is written ({@link DurableDataSource}).
     * H2 alone, with that delay, lost acknowledged alerts in the crash test; {@code WRITE_DELAY=0} wrote
     * each commit on its own, 17 KB and 120–290 µs each;</li>
     * <li>the file is opened through H2's {@code retry:} file system, because with the plain file system
     * one interrupted thread (a cancelled run, a scheduler shutting down) closes the file channel and
     * leaves the whole database unusable until restart;</li>
     * <li>the engine closes the database itself, last ({@code DB_CLOSE_ON_EXIT=FALSE}): H2's own JVM
     * shutdown hook closed it while the engine's shutdown was still recording runs;</li>
     * <li>no trace file in the data directory ({@code TRACE_LEVEL_FILE=0}): H2's errors reach the engine as
     * exceptions, which it logs with what it was doing;</li>
     * <li>{@code AUTO_SERVER} is refused: it opens a TCP port on every interface whose address and key
     * are in a lock file, to a database user without a password. The CLI reads a running engine's
     * history through its API instead.</li>
     * </ul>
     *
     * @throws StoreException for an embedded URL with {@code AUTO_SERVER=TRUE}
     */
    static String durable(String jdbcUrl) {
        String url = jdbcUrl;
        if (url.startsWith("jdbc:h2:file:")) {
            url = "jdbc:h2:retry:" + url.substring("jdbc:h2:file:".length());
        }
        if (!url.startsWith("jdbc:h2:retry:")) {
            return url;
        }
        String upper = url.toUpperCase(Locale.ROOT).replace(" ", "");
        if (upper.contains(";AUTO_SERVER=TRUE")) {
            throw new StoreException("store.url " + jdbcUrl + " has AUTO_SERVER=TRUE, which opens a database port on "
                    + "every network interface that any local user can use to run code as Quench. Remove it: "
                    + "'quench runs list --data DIR' and 'quench toil report --data DIR' read a running engine "
                    + "through its HTTP API.");
        }
        if (!upper.contains(";WRITE_DELAY=")) {
            url = url + ";WRITE_DELAY=" + WRITE_DELAY_MILLIS;
        }
        if (!upper.contains(";DB_CLOSE_ON_EXIT=")) {
            url = url + ";DB_CLOSE_ON_EXIT=FALSE";
        }
        if (!upper.contains(";TRACE_LEVEL_FILE=")) {
            url = url + ";TRACE_LEVEL_FILE=0";
        }
        return url;
    }

    /**
     * H2's write delay on an embedded store: the longest a write that nobody awaits (a deferred write of the run
     * path) stays only in memory when no awaited write follows, and how often H2's background writer does the
     * file's housekeeping.
     */
    static final int WRITE_DELAY_MILLIS = 500;

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

    public GuardRepository guards() {
        return guards;
    }

    public EngineSwitchRepository switches() {
        return switches;
    }

    public ScheduleRepository schedules() {
        return schedules;
    }

    /** Named API tokens, stored hashed. */
    public TokenRepository tokens() {
        return tokens;
    }

    /** The audit trail. */
    public AuditRepository audit() {
        return audit;
    }

    /** Pruning: deletes and weekly roll-ups, in small batches. */
    public RetentionRepository retention() {
        return retention;
    }

    /** The store-wide maintenance lease: one node at a time prunes. */
    public MaintenanceLeaseRepository leases() {
        return leases;
    }

    /** The nodes of a cluster sharing this store, and their heartbeats. */
    public NodeRepository nodes() {
        return nodes;
    }

    /** Cancel requests for runs executing on another node. */
    public CancelRequestRepository cancelRequests() {
        return cancelRequests;
    }

    /** Alerts given inline to manual runs. */
    public GivenAlertRepository givenAlerts() {
        return givenAlerts;
    }

    /** Signed-in console browsers. */
    public ConsoleSessionRepository consoleSessions() {
        return consoleSessions;
    }

    /** Per-target locks ({@code guards.lockKey}): who holds and waits for each key. */
    public RunLockRepository locks() {
        return guards.locks();
    }

    /** The runbooks' circuit breakers ({@code guards.breaker}). */
    public BreakerRepository breakers() {
        return breakers;
    }

    /** Incidents: alerts that belong together and the runs they started. */
    public IncidentRepository incidents() {
        return incidents;
    }

    /** The toil ledger's reads beyond runs and alerts: approvals, coverage, per-team roll-ups. */
    public ToilRepository toil() {
        return toil;
    }

    /**
     * Whether the store is a PostgreSQL database (otherwise H2): Quartz picks its SQL dialect by it.
     *
     * @throws StoreException when the database cannot be asked
     */
    public boolean isPostgres() {
        try (java.sql.Connection connection = dataSource.getConnection()) {
            return connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
        } catch (java.sql.SQLException e) {
            throw new StoreException("cannot read the store's database type: " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} in one transaction, committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(java.util.function.Function<StoreTransaction, T> work) {
        Objects.requireNonNull(work, "work");
        return jdbi.inTransaction(handle -> work.apply(new StoreTransaction(handle)));
    }

    /** Runs {@code work} in one transaction, committed when it returns, rolled back when it throws. */
    public void useTransaction(java.util.function.Consumer<StoreTransaction> work) {
        Objects.requireNonNull(work, "work");
        jdbi.useTransaction(handle -> work.accept(new StoreTransaction(handle)));
    }

    /** Package-private: SQL belongs to this package (tests reach it through StoreSql). */
    Jdbi jdbi() {
        return jdbi;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        pool.close();
    }

    /** H2's answer when another process holds the database file. */
    private static boolean inUse(String cause) {
        return cause.contains("Database may be already in use") || cause.contains("The file is locked");
    }

    static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
