package dev.quench.runbooks;

import com.sun.net.httpserver.HttpServer;
import dev.quench.core.config.ConfigLoader;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.local.LocalPlugins;
import dev.quench.core.local.LocalRuns;
import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.StepRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A runbook with a {@code prometheus.query} step run through the engine, against a small real HTTP server
 * answering as Prometheus does: the query is templated from params, the step's outputs reach a later step, and a
 * dry run sends nothing.
 */
class PrometheusQueryRunTest {

    @TempDir
    Path temp;

    private HttpServer prometheus;
    private final List<String> queries = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startFakePrometheus() throws Exception {
        prometheus = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        prometheus.createContext("/api/v1/query", exchange -> {
            String raw = exchange.getRequestURI().getRawQuery();
            queries.add(URLDecoder.decode(raw.substring(raw.indexOf("query=") + 6), StandardCharsets.UTF_8));
            byte[] body = """
                    {"status":"success","data":{"resultType":"vector","result":[
                      {"metric":{"job":"api"},"value":[1733380000,"0.004"]}]}}""".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        prometheus.start();
    }

    @AfterEach
    void stopFakePrometheus() {
        prometheus.stop(0);
    }

    private RunRecord run(boolean dryRun) throws Exception {
        return run(dryRun, "api");
    }

    private RunRecord run(boolean dryRun, String job) throws Exception {
        Path config = Files.writeString(temp.resolve("quench.yaml"),
                "prometheus:\n  url: http://127.0.0.1:" + prometheus.getAddress().getPort() + "\n");
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("error-rate.yaml"), """
                name: error-rate
                description: check the error rate
                owner: platform-team
                params:
                  job: {default: api, description: the job}
                steps:
                  - id: rate
                    uses: prometheus.query
                    with:
                      query: sum(rate(errors_total{job="${{ params.job }}"}[1m]))
                      expect: {below: 0.01}
                  - id: report
                    uses: shell.exec
                    with:
                      command: echo measured ${{ steps.rate.outputs.value }} over ${{ steps.rate.outputs.series }}
                """);
        QuenchConfig loaded = ConfigLoader.load(config, temp.resolve("data"));
        try (LocalPlugins plugins = LocalPlugins.start(loaded);
             LocalRuns runs = LocalRuns.forTests(plugins.registry())) {
            RunbookLoadResult result = new RunbookLoader(plugins.registry()).load(runbooks);
            assertThat(result.problems()).isEmpty();
            return runs.run(result.runbooks().getFirst(), Map.of("job", job), null, dryRun, "test");
        }
    }

    @Test
    void theTemplatedQueryRunsAndItsOutputsReachTheNextStep() throws Exception {
        RunRecord run = run(false);

        assertThat(run.status().toString()).as(run.message()).isEqualToIgnoringCase("succeeded");
        assertThat(queries).containsExactly("sum(rate(errors_total{job=\"api\"}[1m]))");
        StepRecord rate = run.steps().getFirst();
        assertThat(rate.stdout()).contains("holds after 1 query").contains("{job=\"api\"} 0.004");
        assertThat(run.steps().get(1).stdout()).contains("measured 0.004 over 1");
    }

    @Test
    void aValueThatTriesToCloseItsLabelStringStaysOneLabelValue() throws Exception {
        run(false, "api\"} or vector(0) or up{job=\"x");

        assertThat(queries).containsExactly("sum(rate(errors_total{job=\"api\\\"} or vector(0) or up{job=\\\"x\"}[1m]))");
    }

    @Test
    void aDryRunSendsNoQuery() throws Exception {
        RunRecord run = run(true);

        assertThat(run.steps().getFirst().stdout() + run.steps().getFirst().message()).doesNotContain("0.004");
        assertThat(queries).isEmpty();
    }
}
