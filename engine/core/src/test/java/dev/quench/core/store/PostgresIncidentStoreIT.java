package dev.quench.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.alert.AlertStatus;
import dev.quench.core.testing.EmbeddedPostgresServer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Incidents on a real PostgreSQL, and two nodes placing alerts of one group at the same moment. */
class PostgresIncidentStoreIT extends IncidentStoreContract {

    @RegisterExtension
    static final EmbeddedPostgresServer POSTGRES = new EmbeddedPostgresServer();

    private Store store;
    private Store otherNode;

    @BeforeEach
    void open() throws Exception {
        String url = POSTGRES.newDatabaseUrl();
        store = Store.open(url, "postgres", "");
        otherNode = Store.open(url, "postgres", "");
    }

    @AfterEach
    void close() {
        otherNode.close();
        store.close();
    }

    @Override
    Store store() {
        return store;
    }

    @Test
    void twoNodesPlacingTheFirstAlertsOfOneGroupAtOnceMakeOneIncident() throws Exception {
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                String key = "instance=redis-" + round;
                long first = record(alert("RedisDown", "a" + round, AlertStatus.FIRING), t0);
                long second = record(alert("RedisMemoryHigh", "b" + round, AlertStatus.FIRING), t0);
                CountDownLatch placedByFirst = new CountDownLatch(1);
                CountDownLatch secondStarted = new CountDownLatch(1);
                // The first node places its alert and holds its transaction open until the second node is
                // placing too: the second must wait for the first's commit and join its incident.
                Future<String> one = nodes.submit(() -> store.inTransaction(transaction -> {
                    String id = store.incidents().place(transaction, key, "t", "cache-team", first, t0, WINDOW);
                    placedByFirst.countDown();
                    try {
                        secondStarted.await(5, TimeUnit.SECONDS);
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return id;
                }));
                Future<String> two = nodes.submit(() -> {
                    placedByFirst.await(5, TimeUnit.SECONDS);
                    secondStarted.countDown();
                    return otherNode.inTransaction(transaction -> otherNode.incidents().place(transaction, key, "t",
                            "cache-team", second, t0, WINDOW));
                });
                assertThat(two.get(10, TimeUnit.SECONDS)).isEqualTo(one.get(10, TimeUnit.SECONDS));
            }
            List<IncidentRecord> incidents = store.incidents().list(new IncidentQuery(null, null, null, null, 100, 0));
            assertThat(incidents).hasSize(20).allSatisfy(incident -> assertThat(incident.alerts()).isEqualTo(2));
        } finally {
            nodes.shutdownNow();
            assertThat(nodes.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
