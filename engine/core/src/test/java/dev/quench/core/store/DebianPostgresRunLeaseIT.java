package dev.quench.core.store;

import dev.quench.core.testing.DebianPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The run lease contract (claims with SKIP LOCKED, fencing, takeovers, fire claims, re-deliveries across
 * nodes) on Debian's PostgreSQL 15 server, the one a cluster runs on. Fails under CI=true when it is not
 * installed ({@code .ci/run} installs it), skips otherwise.
 */
class DebianPostgresRunLeaseIT extends RunLeaseContract {

    private static DebianPostgres server;

    private Store store;

    @BeforeAll
    static void startServer() throws Exception {
        if ("true".equals(System.getenv("CI"))) {
            Assertions.assertTrue(DebianPostgres.available(), "CI must install postgresql (.ci/run does)");
        }
        Assumptions.assumeTrue(DebianPostgres.available(), "install postgresql (15) to run this test");
        server = DebianPostgres.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void open() throws Exception {
        store = server.newStore();
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
