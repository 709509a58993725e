package dev.quench.core.ledger;

import dev.quench.core.store.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The toil share on embedded H2. */
class H2ToilSharesTest extends ToilSharesContract {

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
