package dev.quench.runbooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.quench.core.boot.Engine;
import dev.quench.core.config.ConfigLoader;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.ledger.ToilGrouping;
import dev.quench.core.ledger.ToilReport;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StepRecord;
import dev.quench.core.util.Json;
import dev.quench.testkit.PeerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped redis-cache-flush runbook against Debian's real redis-server (password set; db 0 holds "sessions", dbs
 * 1 and 2 caches): Alertmanager notifications are posted to an engine running in this JVM, the runbook flushes the
 * cache databases the alerts name with the real redis-cli, and the test checks Redis itself (the caches empty, db 0
 * untouched) and the run records (steps, verify phase, one run at a time per instance, a repeated flush refused by
 * the cooldown, toil credited once per incident). A verify that cannot pass ends "not recovered" and the escalation
 * reaches a WireMock standing in for Slack; three failed runs trip the breaker; hostile labels and a database the
 * server does not have flush nothing.
 */
class RedisCacheFlushIT {

    private static final String PASSWORD = "redis-it-s3cret";
    private static final int SESSIONS = 300;
    private static final int CACHED = 2_000;
    private static final int SEARCH = 1_000;
    /** The shipped runbook, from the runbooks module's folder (the working directory of its tests). */
    private static final Path RUNBOOK = Path.of("redis-cache-flush.yaml");

    @TempDir
    static Path shared;

    @TempDir
    Path temp;

    private static LocalRedisServer redis;
    private static WireMockServer slack;
    private Engine engine;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startRedisAndSlack() throws Exception {
        if ("true".equals(System.getenv("CI"))) {
            Assertions.assertTrue(LocalRedisServer.installed(),
                    "CI must install Debian's redis-server (with redis-tools' redis-cli); .ci/run does");
        }
        Assumptions.assumeTrue(LocalRedisServer.installed(),
                "install Debian's redis-server package (redis-server and redis-cli) to run this test");
        redis = LocalRedisServer.start(Files.createDirectories(shared.resolve("redis")), PASSWORD, 3);
        slack = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        slack.start();
    }

    @AfterAll
    static void stopRedisAndSlack() throws Exception {
        if (slack != null) {
            slack.stop();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void fillRedis() throws Exception {
        assertThat(redis.call(0, "FLUSHALL")).isEqualTo("OK");
        redis.fill(0, "session:", SESSIONS);
        redis.fill(1, "cache:product:", CACHED);
        redis.fill(2, "cache:search:", SEARCH);
        slack.resetAll();
        slack.stubFor(post("/services/T0/B0/redis").willReturn(aResponse().withStatus(200).withBody("ok")));
    }

    @AfterEach
    void stopEngine() {
        if (engine != null) {
            engine.close();
        }
        client.close();
    }

    @Test
    void alertsForOneRedisFlushEachCacheOnceOneAtATimeAndCreditTheToilOnce() throws Exception {
        startEngine(Map.of());

        HttpResponse<String> accepted = postAlerts(
                alert("RedisMemoryHigh", redis.instance(), "1", "f1a5000000000001"),
                alert("CacheStale", redis.instance(), "1", "f1a5000000000002"),
                alert("CacheStale", redis.instance(), "2", "f1a5000000000003"));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        List<RunRecord> runs = awaitRuns(3);

        assertThat(redis.dbSize(1)).as("the product cache is flushed").isZero();
        assertThat(redis.dbSize(2)).as("the search cache is flushed").isZero();
        assertThat(redis.dbSize(0)).as("db 0 (sessions) is not on the allow-list").isEqualTo(SESSIONS);

        List<RunRecord> succeeded = runs.stream().filter(run -> run.status() == RunStatus.SUCCEEDED)
                .map(run -> engine.store().runs().find(run.id()).orElseThrow())
                .sorted(Comparator.comparing(RunRecord::startedAt)).toList();
        assertThat(succeeded).as("runs: %s", runs).hasSize(2);
        RunRecord first = succeeded.get(0);
        RunRecord second = succeeded.get(1);
        assertThat(second.startedAt()).as("lockKey: one run at a time per Redis instance")
                .isAfterOrEqualTo(first.finishedAt());
        RunRecord refused = runs.stream().filter(run -> run.status() == RunStatus.REFUSED).findFirst().orElseThrow();
        assertThat(succeeded).extracting(RedisCacheFlushIT::flushedDb).containsExactlyInAnyOrder("1", "2");
        RunRecord db1 = flushedDb(first).equals("1") ? first : second;
        assertThat(refused.message()).as("the second alert for db 1").startsWith("cooldown 15m: run " + db1.id()
                + " for key " + redis.instance() + "/1 started ");
        assertThat(refused.steps()).isEmpty();

        for (RunRecord run : succeeded) {
            assertThat(run.steps()).extracting(StepRecord::stepId, StepRecord::phase, StepRecord::status)
                    .containsExactly(tuple("before", "run", "succeeded"), tuple("flush", "run", "succeeded"),
                            tuple("small", "verify", "succeeded"));
            assertThat(run.steps().get(0).stdout()).matches("keys: (" + CACHED + "|" + SEARCH + ")\n"
                    + "used_memory_human:[0-9.]+[KMG]?\n");
            assertThat(run.steps().get(1).stdout()).isEqualTo("OK\n");
            assertThat(run.steps().get(2).stdout()).isEqualTo("keys: 0, expected at most 1000\n");
            assertThat(run.steps().get(2).message()).as("passed on its first check").isEmpty();
            assertThat(run.steps()).allSatisfy(step -> {
                assertThat(step.rendered().get("env")).asInstanceOf(InstanceOfAssertFactories.MAP)
                        .containsEntry("REDISCLI_AUTH", "***");
                assertThat(step.rendered().toString() + step.stdout() + step.stderr()).doesNotContain(PASSWORD);
            });
        }
        assertThat(first.toilSavedMinutes()).isEqualTo(15);
        assertThat(second.toilSavedMinutes()).as("the same incident (instance) was credited already").isZero();

        ToilReport report = engine.ledger().report(Instant.now().minus(Duration.ofDays(1)), ToilGrouping.RUNBOOK);
        assertThat(report.rows()).singleElement().satisfies(row -> {
            assertThat(row.key()).isEqualTo("redis-cache-flush");
            assertThat(row.succeeded()).isEqualTo(2);
            assertThat(row.minutesSaved()).as("one incident, credited once").isEqualTo(15);
        });
        assertThat(slack.getAllServeEvents()).as("nothing to escalate").isEmpty();
    }

    @Test
    void aCacheThatDoesNotStaySmallIsNotRecoveredAndSlackIsTold() throws Exception {
        // An impossible threshold: the database can never hold at most -1 keys, as when a writer refills it at once.
        startEngine(Map.of("maxKeysAfter", "-1"));

        assertThat(postAlerts(alert("RedisMemoryHigh", redis.instance(), "1", "f1a5000000000004")).statusCode())
                .isEqualTo(202);
        RunRecord run = engine.store().runs().find(awaitRuns(1).getFirst().id()).orElseThrow();

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.message()).startsWith("not recovered: small: did not pass in ")
                .contains("(every 1s, timeout 6s)");
        assertThat(run.toilSavedMinutes()).isZero();
        assertThat(run.steps()).extracting(StepRecord::stepId, StepRecord::phase, StepRecord::status).containsExactly(
                tuple("before", "run", "succeeded"), tuple("flush", "run", "succeeded"),
                tuple("small", "verify", "failed"), tuple("escalate", "run", "succeeded"));
        assertThat(redis.dbSize(1)).as("the flush itself happened").isZero();
        assertThat(redis.dbSize(0)).isEqualTo(SESSIONS);

        List<LoggedRequest> messages = slack.findAll(postRequestedFor(urlEqualTo("/services/T0/B0/redis")));
        assertThat(messages).singleElement().satisfies(message -> {
            String text = Json.json().readTree(message.getBodyAsString()).path("text").asText();
            assertThat(text).startsWith("Redis cache flush of db 1 on " + redis.instance()
                    + " (RedisMemoryHigh) needs a person: small: did not pass in ").contains(run.id());
        });
        assertThat(engine.ledger().report(Instant.now().minus(Duration.ofDays(1)), ToilGrouping.RUNBOOK).rows())
                .singleElement().satisfies(row -> assertThat(row.minutesSaved()).isZero());
    }

    @Test
    void hostileLabelsStartNothingAndFlushNothing() throws Exception {
        startEngine(Map.of());

        HttpResponse<String> accepted = postAlerts(
                alert("RedisMemoryHigh", redis.instance() + "; redis-cli -n 0 FLUSHALL", "1", "bad0000000000001"),
                alert("CacheStale", redis.instance(), "1 -- FLUSHALL", "bad0000000000002"),
                alert("RedisMemoryHigh", redis.instance(), "0", "bad0000000000003"));

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(awaitRuns(0)).isEmpty();
        JsonNode unmatched = getJson("/api/v1/alerts?matched=false");
        assertThat(unmatched.path("alerts")).hasSize(3);
        assertThat(redis.dbSize(0)).isEqualTo(SESSIONS);
        assertThat(redis.dbSize(1)).isEqualTo(CACHED);
        assertThat(redis.dbSize(2)).isEqualTo(SEARCH);
    }

    @Test
    void aDatabaseTheServerDoesNotHaveFailsBeforeAnythingIsFlushed() throws Exception {
        // A server with databases 0 and 1 only: db 2 is on the runbook's allow-list, but redis-cli -n 2 would run
        // the next command on db 0 here. The runbook must stop before it flushes anything.
        try (LocalRedisServer small = LocalRedisServer.start(Files.createDirectories(temp.resolve("redis-2-dbs")),
                PASSWORD, 2)) {
            small.fill(0, "session:", SESSIONS);
            small.fill(1, "cache:product:", CACHED);
            startEngine(Map.of());

            assertThat(postAlerts(alert("CacheStale", small.instance(), "2", "f1a5000000000005")).statusCode())
                    .isEqualTo(202);
            RunRecord run = engine.store().runs().find(awaitRuns(1).getFirst().id()).orElseThrow();

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.steps()).extracting(StepRecord::stepId, StepRecord::status).containsExactly(
                    tuple("before", "failed"), tuple("escalate", "succeeded"));
            assertThat(run.steps().getFirst().stderr()).contains("cannot read the size of db 2: SELECT 2 failed");
            assertThat(small.dbSize(0)).isEqualTo(SESSIONS);
            assertThat(small.dbSize(1)).isEqualTo(CACHED);
            assertThat(slack.findAll(postRequestedFor(urlEqualTo("/services/T0/B0/redis")))).singleElement()
                    .satisfies(message -> assertThat(message.getBodyAsString()).contains("SELECT 2 failed"));
        }
    }

    @Test
    void threeFailedFlushesInAnHourTripTheBreakerAndTheNextAlertFlushesNothing() throws Exception {
        startEngine(Map.of());
        List<Map<String, Object>> unreachable = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // Nothing listens there: each run fails at its first step, each for its own instance (no cooldown).
            unreachable.add(alert("RedisMemoryHigh", "127.0.0.1:" + PeerProcess.freePort(), "1",
                    "dead00000000000" + i));
        }
        assertThat(postAlerts(unreachable).statusCode()).isEqualTo(202);
        assertThat(awaitRuns(3)).allSatisfy(run -> assertThat(run.status()).isEqualTo(RunStatus.FAILED));

        assertThat(postAlerts(alert("CacheStale", redis.instance(), "1", "f1a5000000000006")).statusCode())
                .isEqualTo(202);
        RunRecord refused = awaitRuns(4).getFirst();

        assertThat(refused.status()).isEqualTo(RunStatus.REFUSED);
        assertThat(refused.message()).startsWith("breaker tripped at ")
                .contains(": 3 failed run(s) of redis-cache-flush within 1h (breaker failures: 3): ")
                .contains("Connection refused")
                .endsWith("or an operator resets it: quench breaker reset redis-cache-flush");
        assertThat(redis.dbSize(1)).as("the tripped runbook flushed nothing").isEqualTo(CACHED);
        assertThat(getJson("/api/v1/runbooks/redis-cache-flush/breaker").path("state").asText()).isEqualTo("tripped");
        assertThat(slack.findAll(postRequestedFor(urlEqualTo("/services/T0/B0/redis")))).as("one per failed run")
                .hasSize(3);
    }

    /** The database a run's flush step named (its {@code REDIS_DB}, the script's ARGV). */
    private static String flushedDb(RunRecord run) {
        Object env = run.steps().stream().filter(step -> step.stepId().equals("flush")).findFirst().orElseThrow()
                .rendered().get("env");
        return String.valueOf(((Map<?, ?>) env).get("REDIS_DB"));
    }

    /** Starts an engine with the shipped runbook alone, the Redis password and the Slack URL as secret files. */
    private void startEngine(Map<String, String> params) throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        // The shipped runbook with only its verify deadline shortened (30s every 5s → 6s every 1s), so the
        // not-recovered case does not wait out 30 seconds; the assertion keeps the copy from drifting.
        String shipped = Files.readString(RUNBOOK);
        String deadline = "    timeout: 30s\n    every: 5s\n";
        assertThat(shipped).as("the shipped verify deadline this test shortens").containsOnlyOnce(deadline);
        Files.writeString(runbooks.resolve(RUNBOOK.getFileName()), shipped.replace(deadline, "    timeout: 6s\n    every: 1s\n"));
        Files.writeString(temp.resolve("redis.password"), PASSWORD);
        Files.writeString(temp.resolve("slack.url"), slack.baseUrl() + "/services/T0/B0/redis");
        StringBuilder yaml = new StringBuilder("""
                secrets:
                  redis_password: {file: redis.password}
                  slack_webhook: {file: slack.url}
                """);
        if (!params.isEmpty()) {
            yaml.append("params:\n  redis-cache-flush:\n");
            params.forEach((name, value) -> yaml.append("    ").append(name).append(": \"").append(value).append("\"\n"));
        }
        Path file = Files.writeString(temp.resolve("quench.yaml"), yaml);
        QuenchConfig config = ConfigLoader.load(file, temp.resolve("data")).withHost("127.0.0.1").withPort(0)
                .withRunbooks(runbooks);
        engine = Engine.start(config);
        assertThat(engine.runbooks().problems()).isEmpty();
        assertThat(engine.runbooks().find("redis-cache-flush")).isPresent();
    }

    private static Map<String, Object> alert(String alertname, String instance, String db, String fingerprint) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", alertname);
        labels.put("instance", instance);
        labels.put("db", db);
        labels.put("severity", "warning");
        return Map.of("status", "firing", "labels", labels,
                "annotations", Map.of("summary", "Redis cache " + instance + " db " + db),
                "startsAt", Instant.now().minusSeconds(60).toString(), "endsAt", "0001-01-01T00:00:00Z",
                "generatorURL", "", "fingerprint", fingerprint);
    }

    @SafeVarargs
    private HttpResponse<String> postAlerts(Map<String, Object>... alerts) throws Exception {
        return postAlerts(List.of(alerts));
    }

    /** Posts one Alertmanager (version 4) notification with {@code alerts}, as Alertmanager's webhook does. */
    private HttpResponse<String> postAlerts(List<Map<String, Object>> alerts) throws Exception {
        Map<String, Object> notification = new LinkedHashMap<>();
        notification.put("version", "4");
        notification.put("groupKey", "{}:{alertname=~\"RedisMemoryHigh|CacheStale\"}");
        notification.put("truncatedAlerts", 0);
        notification.put("status", "firing");
        notification.put("receiver", "quench");
        notification.put("groupLabels", Map.of());
        notification.put("commonLabels", Map.of());
        notification.put("commonAnnotations", Map.of());
        notification.put("externalURL", "http://alertmanager.example.internal:9093");
        notification.put("alerts", alerts);
        return client.send(HttpRequest.newBuilder(uri("/hooks/alertmanager"))
                        .header("Authorization", "Bearer " + engine.apiToken().value())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.json().writeValueAsBytes(notification)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Waits (90 s at most) until every accepted alert is matched and every run has ended, then returns the runs;
     * fails unless there are {@code expected} of them.
     */
    private List<RunRecord> awaitRuns(int expected) throws Exception {
        Instant deadline = Instant.now().plusSeconds(90);
        while (getJson("/api/v1/ingest").path("journalAlerts").asLong() > 0) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("accepted alerts were not expanded from the journal within 90s");
            }
            Thread.sleep(20);
        }
        if (!engine.dispatcher().awaitIdle(deadline)) {
            throw new AssertionError("runs still in flight after 90s");
        }
        List<RunRecord> runs = engine.store().runs().list(null, null, 100);
        assertThat(runs).as("runs").hasSize(expected);
        return runs;
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + engine.apiToken().value()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return Json.json().readTree(response.body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + engine.port() + path);
    }
}
