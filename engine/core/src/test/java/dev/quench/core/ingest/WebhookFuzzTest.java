package dev.quench.core.ingest;

import static dev.quench.core.testing.EngineHarness.resource;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Throws thousands of mutated payloads at every webhook (fixed seed, bounded in count and time):
 * no answer may be a 5xx, and the server must keep serving good deliveries afterwards.
 */
class WebhookFuzzTest {

    private static final int PER_ENDPOINT = 1000;
    private static final Duration TIME_LIMIT = Duration.ofSeconds(90);
    private static final String GENERIC = """
            {"checks": [{"check": {"id": "c-1", "name": "DiskSpaceLow"}, "host": "web-7", "state": "down",
              "since": 1795000000, "tags": {"team": "storage"}, "message": "disk 97%"}]}""";

    @RegisterExtension
    static final IngestEngine engine = IngestEngine.perClass("""
            sources:
              uptime:
                auth: {open: true}
                mapping:
                  alerts: /checks
                  name: /check/name
                  status: /state
                  fingerprint: /check/id
                  startsAt: /since
                  labels: {instance: /host}
                  labelsFrom: /tags
                  annotations: {summary: /message}
            """, Map.of("disk", IngestEngine.RUNBOOK_DISK));

    @Test
    void mutatedPayloadsNeverGetA5xxAndTheServerStaysUp() throws Exception {
        Map<String, byte[]> seeds = Map.of(
                "/hooks/alertmanager", resource("fixtures/alerts/alertmanager-firing-diskspacelow.json"),
                "/hooks/grafana", resource("fixtures/alerts/grafana-firing-cachehitrate.json"),
                "/hooks/pagerduty", resource("fixtures/alerts/pagerduty-incident-triggered.json"),
                "/hooks/generic/uptime", GENERIC.getBytes(StandardCharsets.UTF_8));
        Instant deadline = Instant.now().plus(TIME_LIMIT);
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<String> serverErrors = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            int seed = 0;
            for (Map.Entry<String, byte[]> endpoint : seeds.entrySet()) {
                long fixedSeed = 6_000L + seed++;
                done.add(senders.submit(() -> {
                    Random random = new Random(fixedSeed);
                    PayloadMutator mutator = new PayloadMutator(random);
                    for (int index = 0; index < PER_ENDPOINT && Instant.now().isBefore(deadline); index++) {
                        byte[] body = mutator.mutate(endpoint.getValue());
                        HttpResponse<String> response = engine.postWithToken(endpoint.getKey(), body,
                                "X-Webhook-Id", "fuzz-" + fixedSeed + "-" + index);
                        statuses.computeIfAbsent(response.statusCode(), code -> new AtomicInteger()).incrementAndGet();
                        if (response.statusCode() >= 500 && serverErrors.size() < 5) {
                            serverErrors.add(endpoint.getKey() + " " + response.statusCode() + " " + response.body()
                                    + " for body: " + new String(body, 0, Math.min(body.length, 2000),
                                    StandardCharsets.UTF_8));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            senders.shutdownNow();
        }

        assertThat(serverErrors).as("answers by status: %s", statuses).isEmpty();
        assertThat(statuses.getOrDefault(400, new AtomicInteger()).get()).as("most mutations are invalid")
                .isGreaterThan(1000);
        assertThat(engine.harness.get("/health/live").statusCode()).isEqualTo(200);
        assertThat(engine.postWithToken("/hooks/alertmanager",
                AlertmanagerGroups.group("AfterFuzz", 3, "firing", 0)).statusCode()).isEqualTo(202);
        assertThat(engine.harness.engine().dispatcher().awaitIdle(Instant.now().plusSeconds(60))).isTrue();
    }
}
