package dev.quench.core.ledger;

import dev.quench.core.store.Store;
import dev.quench.core.testing.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The toil share on a real PostgreSQL. */
class PostgresToilSharesIT extends ToilSharesContract {

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
