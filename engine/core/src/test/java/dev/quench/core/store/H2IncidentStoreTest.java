package dev.quench.core.store;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Incidents on embedded H2. */
class H2IncidentStoreTest extends IncidentStoreContract {

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
