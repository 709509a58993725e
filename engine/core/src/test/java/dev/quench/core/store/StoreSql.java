package dev.quench.core.store;

import org.jdbi.v3.core.Jdbi;

/**
 * Test-only access to a store's Jdbi, for tests that must look under the repositories (count rows,
 * hold connections, install a slow trigger). Production code has no such door: it goes through the
 * repositories.
 */
public final class StoreSql {

    private StoreSql() {
    }

    public static Jdbi jdbi(Store store) {
        return store.jdbi();
    }
}
