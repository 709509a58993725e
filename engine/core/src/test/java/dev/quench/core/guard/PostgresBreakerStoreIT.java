package dev.quench.core.guard;

import dev.quench.core.store.Store;
import dev.quench.core.testing.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The breaker contract on a real PostgreSQL server: two nodes are two pools on one database. */
class PostgresBreakerStoreIT extends BreakerStoreContract {

    @RegisterExtension
    static final EmbeddedPostgresServer POSTGRES = new EmbeddedPostgresServer();

    private String url;
    private Store store;
    private Store other;

    @BeforeEach
    void open() throws Exception {
        url = POSTGRES.newDatabaseUrl();
        store = Store.open(url, "postgres", "");
    }

    @AfterEach
    void close() {
        store.close();
        if (other != null) {
            other.close();
        }
    }

    @Override
    Store store() {
        return store;
    }

    @Override
    Store otherNode() {
        if (other == null) {
            other = Store.open(url, "postgres", "");
        }
        return other;
    }

    @Override
    Store restart() {
        store.close();
        store = Store.open(url, "postgres", "");
        return store;
    }
}
