package dev.quench.core.guard;

import dev.quench.core.store.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The guard store contract on the embedded H2 store. */
class H2GuardStoreTest extends GuardStoreContract {

    @TempDir
    Path temp;

    private Store store;

    @BeforeEach
    void open() {
        store = Store.open("jdbc:h2:file:" + temp.resolve("quench"), "sa", "");
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
