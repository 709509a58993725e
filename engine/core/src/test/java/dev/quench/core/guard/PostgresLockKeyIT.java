package dev.quench.core.guard;

import dev.quench.core.store.Store;
import dev.quench.core.testing.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The lock-key contract on a real PostgreSQL server: two nodes are two pools on one database. */
class PostgresLockKeyIT extends LockKeyContract {

    @RegisterExtension
    static final EmbeddedPostgresServer POSTGRES = new EmbeddedPostgresServer();

    private Store store;
    private Store other;

    @BeforeEach
    void open() throws Exception {
        String url = POSTGRES.newDatabaseUrl();
        store = Store.open(url, "postgres", "");
        other = Store.open(url, "postgres", "");
    }

    @AfterEach
    void close() {
        other.close();
        store.close();
    }

    @Override
    Store store() {
        return store;
    }

    @Override
    Store otherNode() {
        return other;
    }
}
