package dev.quench.plugin.http;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.quench.api.StepFailedException;
import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;
import dev.quench.testkit.StepTestContext;
import dev.quench.testkit.TestPluginEnvironment;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code http.request} retries against WireMock answering 5xx, 429 and connection faults before it recovers. */
class HttpRetryTest {

    private static Vertx vertx;
    private static WireMockServer server;
    private HttpRequestStep step;
    private StepTestContext context;

    @BeforeAll
    static void startPeers() {
        vertx = Vertx.vertx();
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
    }

    @AfterAll
    static void stopPeers() throws Exception {
        server.stop();
        vertx.close().await();
    }

    @BeforeEach
    void startStep() {
        server.resetAll();
        step = new HttpRequestStep();
        step.start(TestPluginEnvironment.builder().service(Vertx.class, vertx).build());
        context = StepTestContext.builder().stepId("call").timeout(Duration.ofSeconds(30)).build();
    }

    @AfterEach
    void closeStep() {
        step.close();
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    private static HttpRequestConfig withRetries(String path, Integer retries, List<Integer> expectStatus) {
        return new HttpRequestConfig("GET", url(path), null, null, null, null, null, null, expectStatus, null, null,
                retries, Duration.ofMillis(50));
    }

    /** {@code path} answers with each of {@code first} in turn, then 200 "ok". */
    private static void failThenSucceed(String path, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder... first) {
        String state = Scenario.STARTED;
        for (int index = 0; index < first.length; index++) {
            String next = "after " + (index + 1);
            server.stubFor(get(path).inScenario(path).whenScenarioStateIs(state).willReturn(first[index])
                    .willSetStateTo(next));
            state = next;
        }
        server.stubFor(get(path).inScenario(path).whenScenarioStateIs(state).willReturn(aResponse().withBody("ok")));
    }

    @Test
    void fiveHundredsAndAResetAreRetriedUntilTheServiceAnswers() throws Exception {
        failThenSucceed("/flaky", aResponse().withStatus(503), aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
                aResponse().withStatus(500));

        StepResult result = step.execute(context, withRetries("/flaky", 3, null));

        assertThat(result.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(result.stdout()).isEqualTo("ok");
        server.verify(4, getRequestedFor(urlEqualTo("/flaky")));
        assertThat(context.output().allInfo())
                .contains("attempt 1 of 4 failed: answered 503 Service Unavailable; retrying in 50 ms")
                .contains("attempt 2 of 4 failed: GET " + url("/flaky") + " failed: ")
                .contains("attempt 3 of 4 failed: answered 500 Server Error; retrying in 200 ms");
    }

    @Test
    void aTooManyRequestsAnswerIsRetriedAfterItsRetryAfter() throws Exception {
        failThenSucceed("/limited", aResponse().withStatus(429).withHeader("Retry-After", "1"));
        long started = System.nanoTime();

        StepResult result = step.execute(context, withRetries("/limited", 1, null));

        assertThat(result.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(context.output().allInfo()).contains("answered 429 Too Many Requests; retrying in 1000 ms");
    }

    @Test
    void whenEveryAttemptFailsTheStepFailsWithTheLastAnswer() throws Exception {
        server.stubFor(get("/down").willReturn(aResponse().withStatus(502).withBody("bad gateway")));

        StepResult result = step.execute(context, withRetries("/down", 2, null));

        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.message()).contains("502");
        server.verify(3, getRequestedFor(urlEqualTo("/down")));
    }

    @Test
    void anEmptyResponseOnEveryAttemptFailsNamingTheAttempts() {
        server.stubFor(get("/empty").willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));

        assertThatThrownBy(() -> step.execute(context, withRetries("/empty", 1, null)))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("without a complete answer")
                .hasMessageEndingWith("(attempt 2 of 2)");
        server.verify(2, getRequestedFor(urlEqualTo("/empty")));
    }

    @Test
    void noRetriesUnlessAskedAndNoneForAnExpectedStatus() throws Exception {
        server.stubFor(get("/once").willReturn(aResponse().withStatus(503)));

        assertThat(step.execute(context, withRetries("/once", null, null)).status()).isEqualTo(StepStatus.FAILED);
        assertThat(step.execute(context, withRetries("/once", 3, List.of(503))).status())
                .isEqualTo(StepStatus.SUCCEEDED);
        server.verify(2, getRequestedFor(urlEqualTo("/once")));
    }

    @Test
    void retriesThatCannotEndWithinTheStepTimeoutStopEarlyAndSaySo() {
        server.stubFor(get("/slow-limit").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "60")));

        assertThatThrownBy(() -> step.execute(context, withRetries("/slow-limit", 5, null)))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("attempt 1 failed (answered 429 Too Many Requests) and the next retry, in 60000 ms, "
                        + "would not end within the step's timeout");
    }
}
