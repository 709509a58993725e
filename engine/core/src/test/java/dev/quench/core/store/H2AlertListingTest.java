package dev.quench.core.store;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The alert listing on embedded H2, the default backend (a file in a temp directory). */
class H2AlertListingTest extends AlertListingContract {

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
