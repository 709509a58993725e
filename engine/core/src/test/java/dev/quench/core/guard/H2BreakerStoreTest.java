package dev.quench.core.guard;

import dev.quench.core.store.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The breaker contract on the embedded H2 store (node B is a second pool on the same file). */
class H2BreakerStoreTest extends BreakerStoreContract {

    @TempDir
    Path temp;

    private Store store;
    private Store other;

    private String url() {
        return "jdbc:h2:file:" + temp.resolve("quench");
    }

    @BeforeEach
    void open() {
        store = Store.open(url(), "sa", "");
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
            other = Store.open(url(), "sa", "");
        }
        return other;
    }

    @Override
    Store restart() {
        store.close();
        store = Store.open(url(), "sa", "");
        return store;
    }
}
