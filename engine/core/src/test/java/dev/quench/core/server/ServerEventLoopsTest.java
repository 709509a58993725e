package dev.quench.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.testing.EngineHarness;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code server.eventLoops: 4} the HTTP server really runs on several event loops, and alerts posted at
 * once over many connections are each stored once: none lost, none counted twice, re-deliveries recognised
 * across loops.
 */
class ServerEventLoopsTest {

    private static final int CLIENTS = 16;
    private static final int DELIVERIES_PER_CLIENT = 25;
    private static final int ALERTS_OF_ITS_OWN = 3;
    private static final int SHARED_ALERTS = 10;

    @TempDir
    Path temp;

    @Test
    void concurrentPostsOnFourEventLoopsAreStoredExactlyOnce() throws Exception {
        QuenchConfig config = EngineHarness.config(temp.resolve("data"), Files.createDirectories(temp.resolve("runbooks")))
                .toBuilder().eventLoops(4).build();
        try (EngineHarness harness = EngineHarness.start(config)) {
            Map<Long, Long> cpuBefore = eventLoopCpu();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> done = new ArrayList<>();
            for (int client = 0; client < CLIENTS; client++) {
                int clientId = client;
                done.add(clients.submit(() -> {
                    // a client of its own: its own connection, so connections spread over the loops
                    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                    start.await();
                    for (int delivery = 0; delivery < DELIVERIES_PER_CLIENT; delivery++) {
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(harness.uri("/hooks/alertmanager"))
                                .header("Authorization", "Bearer " + harness.engine().apiToken().value())
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(payload(clientId, delivery))).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 202) {
                            failures.add(response.statusCode() + " " + response.body());
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(120, TimeUnit.SECONDS);
            }
            clients.shutdown();
            harness.awaitIngested(Duration.ofSeconds(60));

            int own = CLIENTS * DELIVERIES_PER_CLIENT * ALERTS_OF_ITS_OWN;
            int sharedSent = CLIENTS * DELIVERIES_PER_CLIENT;
            assertThat(failures).isEmpty();
            JsonNode ingest = harness.getJson("/api/v1/ingest");
            // accepted counts every alert received; duplicates those already stored (by any loop)
            assertThat(ingest.path("acceptedAlerts").asLong()).isEqualTo(own + sharedSent);
            assertThat(ingest.path("duplicateAlerts").asLong()).isEqualTo(sharedSent - SHARED_ALERTS);
            assertThat(harness.engine().store().alerts().count()).isEqualTo(own + SHARED_ALERTS);

            // the requests were served on several event loops, not one
            Map<Long, Long> cpuAfter = eventLoopCpu();
            long busyLoops = cpuAfter.entrySet().stream()
                    .filter(entry -> entry.getValue() - cpuBefore.getOrDefault(entry.getKey(), 0L) > 2_000_000L)
                    .count();
            assertThat(busyLoops).as("event loop threads that used CPU while serving").isGreaterThanOrEqualTo(3);
        }
    }

    /** One delivery: three alerts only this client and delivery send, and one of ten every client sends. */
    private static String payload(int client, int delivery) {
        StringBuilder alerts = new StringBuilder();
        for (int index = 0; index < ALERTS_OF_ITS_OWN; index++) {
            alerts.append(alert("Own", "c" + client + "-d" + delivery + "-a" + index)).append(',');
        }
        alerts.append(alert("Shared", "shared-" + (client * DELIVERIES_PER_CLIENT + delivery) % SHARED_ALERTS));
        return "{\"version\": \"4\", \"status\": \"firing\", \"alerts\": [" + alerts + "]}";
    }

    private static String alert(String name, String fingerprint) {
        return "{\"status\": \"firing\", \"labels\": {\"alertname\": \"" + name + "\", \"instance\": \"" + fingerprint
                + "\"}, \"fingerprint\": \"" + fingerprint + "\", \"startsAt\": \"2026-12-01T00:00:00Z\"}";
    }

    /** CPU nanoseconds of each Vert.x event loop thread, by thread id. */
    private static Map<Long, Long> eventLoopCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("vert.x-eventloop-thread-")) {
                cpu.put(info.getThreadId(), threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return cpu;
    }
}
