package dev.quench.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.quench.core.config.ConfigLoader;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.config.RunbookEnvironment;
import dev.quench.core.local.LocalPlugins;
import dev.quench.core.local.LocalRuns;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import dev.quench.core.store.GuardRepository;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.util.Json;
import dev.quench.testkit.PeerProcess;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code guards.errorBudget} end to end against Debian's real Prometheus: Prometheus scrapes a small exporter
 * whose burn rate the test sets; a runbook gated on it waits for approval with the measured value while the rate
 * is above the threshold, and acts once it is below.
 */
class ErrorBudgetGuardIT {

    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

    @TempDir
    static Path temp;

    private static HttpServer exporter;
    private static volatile String burnRate = "16.2";
    private static PeerProcess prometheus;

    @BeforeAll
    static void start() throws Exception {
        if ("true".equals(System.getenv("CI"))) {
            assertThat(Files.isExecutable(PROMETHEUS)).as("CI must install prometheus (.ci/run does)").isTrue();
        }
        Assumptions.assumeTrue(Files.isExecutable(PROMETHEUS), "install prometheus to run this test");
        exporter = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        exporter.createContext("/metrics", exchange -> {
            byte[] body = ("# TYPE slo_burn_rate1h gauge\nslo_burn_rate1h{service=\"web\"} " + burnRate + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        exporter.start();
        int port = PeerProcess.freePort();
        Path directory = Files.createDirectories(temp.resolve("prometheus"));
        Path config = Files.writeString(directory.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: web
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(exporter.getAddress().getPort()));
        prometheus = PeerProcess.start("prometheus", List.of(PROMETHEUS.toString(), "--config.file=" + config,
                        "--storage.tsdb.path=" + Files.createDirectories(directory.resolve("data")),
                        "--web.listen-address=127.0.0.1:" + port),
                directory, directory.resolve("prometheus.log"), port, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (exporter != null) {
            exporter.stop(0);
        }
    }

    /** Sets the exporter's burn rate and waits (30 s at most) until Prometheus answers it. */
    private static void burnRateIs(String value) throws Exception {
        burnRate = value;
        String url = prometheus.url() + "/api/v1/query?query="
                + URLEncoder.encode("slo_burn_rate1h{service=\"web\"}", StandardCharsets.UTF_8);
        HttpClient client = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plusSeconds(30);
        String seen = "";
        while (Instant.now().isBefore(deadline)) {
            JsonNode answer = Json.json().readTree(client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            JsonNode result = answer.path("data").path("result");
            seen = result.isEmpty() ? "no series" : result.get(0).path("value").get(1).asText();
            if (seen.equals(value)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("Prometheus did not scrape burn rate " + value + " within 30s (last: " + seen + "); its "
                + "log:\n" + prometheus.log());
    }

    private record Outcome(RunRecord run, List<String> decisions) {
    }

    private Outcome run(String guards, String name) throws Exception {
        return run(guards, name, false);
    }

    private Outcome run(String guards, String name, boolean dryRun) throws Exception {
        Path directory = Files.createDirectories(temp.resolve(name));
        Path config = Files.writeString(directory.resolve("quench.yaml"), "prometheus:\n  url: " + prometheus.url() + "\n");
        Path runbooks = Files.createDirectories(directory.resolve("runbooks"));
        Files.writeString(runbooks.resolve(name + ".yaml"), """
                name: %s
                description: restart web, unless the error budget says a person should decide
                owner: web-team
                guards:
                  %s
                steps:
                  - {id: act, uses: shell.exec, with: {command: "echo acted"}}
                """.formatted(name, guards));
        QuenchConfig loaded = ConfigLoader.load(config, directory.resolve("data"));
        String storeUrl = "jdbc:h2:file:" + directory.resolve("store");
        RunRecord run;
        try (LocalPlugins plugins = LocalPlugins.start(loaded)) {
            RunbookLoadResult result = new RunbookLoader(plugins.registry()).load(runbooks);
            assertThat(result.problems()).isEmpty();
            Runbook runbook = result.runbooks().getFirst();
            try (LocalRuns runs = LocalRuns.open(storeUrl, "sa", "", plugins.registry(), RunbookEnvironment.none(),
                    64 * 1024)) {
                run = runs.run(runbook, Map.of(), null, dryRun, "test");
            }
        }
        try (Store store = Store.open(storeUrl, "sa", "")) {
            return new Outcome(run, store.guards().decisions(run.id()).stream().map(GuardRepository.Decision::reason)
                    .toList());
        }
    }

    @Test
    void whileTheBudgetBurnsTheRunWaitsForApprovalWithTheValueAndOnceItRecoversItActs() throws Exception {
        String guards = "errorBudget: {query: 'slo_burn_rate1h{service=\"web\"}', above: 14.4, then: requireApproval}";

        burnRateIs("16.2");
        Outcome planned = run(guards, "planned", true);
        Outcome burning = run(guards, "burning");

        assertThat(planned.run().message()).isEqualTo("errorBudget: 16.2 > 14.4 (slo_burn_rate1h{service=\"web\"}): "
                + "a real run would wait for approval");

        assertThat(burning.run().status()).as(burning.run().message()).isEqualTo(RunStatus.AWAITING_APPROVAL);
        assertThat(burning.run().message()).startsWith("errorBudget: 16.2 > 14.4 (slo_burn_rate1h{service=\"web\"}): "
                + "the error budget is burning too fast for automation to act alone; waiting for approval: "
                + "quench runs approve " + burning.run().id());
        assertThat(burning.run().steps()).isEmpty();
        assertThat(burning.decisions()).containsExactly(
                "errorBudget: 16.2 > 14.4 (slo_burn_rate1h{service=\"web\"}): waiting for approval");

        burnRateIs("2.5");
        Outcome recovered = run(guards, "recovered");

        assertThat(recovered.run().status()).as(recovered.run().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(recovered.run().steps()).singleElement()
                .satisfies(step -> assertThat(step.stdout()).contains("acted"));
        assertThat(recovered.decisions()).containsExactly(
                "errorBudget: 2.5, not above 14.4 (slo_burn_rate1h{service=\"web\"}): acting");
    }

    @Test
    void aQueryThatMatchesNothingIsRefusedWithSkipNeverActedOnBlindly() throws Exception {
        Outcome empty = run("errorBudget: {query: 'slo_burn_rate1h{service=\"nope\"}', above: 14.4, then: skip}", "empty");

        assertThat(empty.run().status()).isEqualTo(RunStatus.REFUSED);
        assertThat(empty.run().message()).isEqualTo("errorBudget: the error budget could not be read (the query "
                + "returned no series (is the recording rule loaded, and does the selector match?); query: "
                + "slo_burn_rate1h{service=\"nope\"}): the run was refused (then: skip acts only while the budget "
                + "allows it, and Quench does not act blindly)");
        assertThat(empty.run().steps()).isEmpty();
    }
}
