package dev.quench.core.guard;

import dev.quench.core.store.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The lock-key contract on the embedded H2 store (node B is a second pool on the same file). */
class H2LockKeyTest extends LockKeyContract {

    @TempDir
    Path temp;

    private Store store;
    private Store other;

    @BeforeEach
    void open() {
        store = Store.open("jdbc:h2:file:" + temp.resolve("quench"), "sa", "");
        other = Store.open("jdbc:h2:file:" + temp.resolve("quench"), "sa", "");
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
