package dev.quench.core.exec;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StepRecord;
import dev.quench.core.testing.EngineHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code http.request} step is retried by the engine's {@code retry:} policy, informed by the step: a 503 (with
 * its Retry-After) is tried again until the service answers, a 400 is not tried again.
 */
class HttpRetryRunTest {

    private static final String ALERT = """
            {"version": "4", "status": "firing", "alerts": [{"status": "firing",
              "labels": {"alertname": "CacheStale"}, "startsAt": "2026-11-20T02:58:14Z", "fingerprint": "cafe"}]}""";

    @TempDir
    Path temp;

    private WireMockServer server;

    @BeforeEach
    void start() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private RunRecord run(String path) throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("flush.yaml"), """
                name: flush
                triggers:
                  alert:
                    matchers: ['alertname="CacheStale"']
                steps:
                  - id: flush
                    uses: http.request
                    with: {url: 'http://127.0.0.1:%d%s'}
                    retry: {attempts: 4, delay: 50ms, backoff: 2}
                """.formatted(server.port(), path));
        return EngineHarness.runOnAlert(temp.resolve("data"), runbooks, ALERT);
    }

    @Test
    void twoServiceUnavailableAnswersAreRetriedThroughTheEnginePolicyUntilTheServiceAnswers() throws Exception {
        server.stubFor(get("/flush").inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "1")).willSetStateTo("once"));
        server.stubFor(get("/flush").inScenario("flaky").whenScenarioStateIs("once")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("twice"));
        server.stubFor(get("/flush").inScenario("flaky").whenScenarioStateIs("twice")
                .willReturn(aResponse().withStatus(200).withBody("flushed")));

        RunRecord run = run("/flush");

        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        server.verify(3, getRequestedFor(urlEqualTo("/flush")));
        StepRecord flush = run.steps().getFirst();
        assertThat(flush.message()).isEqualTo("succeeded on attempt 3 of 4");
        assertThat(flush.stdout()).isEqualTo("flushed");
        // The server's Retry-After of 1 s replaced the first 50 ms delay; the second wait is the policy's 100 ms.
        assertThat(flush.durationMillis()).isGreaterThanOrEqualTo(1100);
    }

    @Test
    void aBadRequestIsNotRetried() throws Exception {
        server.stubFor(get("/bad").willReturn(aResponse().withStatus(400).withBody("missing key")));

        RunRecord run = run("/bad");

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        server.verify(1, getRequestedFor(urlEqualTo("/bad")));
        assertThat(run.steps().getFirst().message()).isEqualTo("failed after 1 attempt (of 4): GET http://127.0.0.1:"
                + server.port() + "/bad answered 400 Bad Request (expected 2xx): missing key; not retried: the step"
                + " says another attempt would fail the same way (add retryOn to the step's retry: to retry it anyway)");
    }
}
