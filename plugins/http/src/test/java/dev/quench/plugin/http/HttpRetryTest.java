package dev.quench.plugin.http;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.quench.api.RetryAdvice;
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
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code http.request} sends once and tells the engine's {@code retry:} policy which failures are worth another
 * attempt (5xx, 429 with its Retry-After, connection faults) and which are not (other unexpected statuses). The
 * retrying itself is tested through the engine (engine/core {@code HttpRetryRunTest}).
 */
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

    private static HttpRequestConfig request(String path, List<Integer> expectStatus) {
        return HttpRequestConfig.builder().method("GET").url("http://127.0.0.1:" + server.port() + path)
                .expectStatus(expectStatus).build();
    }

    @Test
    void aServiceUnavailableAnswerIsRetryableAfterItsRetryAfter() throws Exception {
        server.stubFor(get("/busy").willReturn(aResponse().withStatus(503).withHeader("Retry-After", "7")));

        StepResult result = step.execute(context, request("/busy", null));

        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.retry()).isEqualTo(RetryAdvice.retryableAfter(Duration.ofSeconds(7)));
        server.verify(1, getRequestedFor(urlEqualTo("/busy")));
    }

    @Test
    void fiveHundredsAndTooManyRequestsAreRetryableWithoutAWaitWhenTheServerNamesNone() throws Exception {
        server.stubFor(get("/down").willReturn(aResponse().withStatus(502)));
        server.stubFor(get("/limited").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "soon")));

        assertThat(step.execute(context, request("/down", null)).retry()).isEqualTo(RetryAdvice.retryable());
        assertThat(step.execute(context, request("/limited", null)).retry()).isEqualTo(RetryAdvice.retryable());
    }

    @Test
    void aBadRequestIsNotRetryable() throws Exception {
        server.stubFor(get("/bad").willReturn(aResponse().withStatus(400).withBody("missing field")));

        StepResult result = step.execute(context, request("/bad", null));

        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.retry()).isEqualTo(RetryAdvice.notRetryable());
    }

    @Test
    void anExpectedStatusSucceedsAndSaysNothingAboutRetrying() throws Exception {
        server.stubFor(get("/gone").willReturn(aResponse().withStatus(503)));

        StepResult result = step.execute(context, request("/gone", List.of(503)));

        assertThat(result.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(result.retry()).isEqualTo(RetryAdvice.UNSAID);
    }

    @Test
    void aConnectionFaultIsRetryable() {
        server.stubFor(get("/reset").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        StepFailedException failure = catchThrowableOfType(StepFailedException.class,
                () -> step.execute(context, request("/reset", null)));

        assertThat(failure).hasMessageContaining("GET http://127.0.0.1:" + server.port() + "/reset failed: ");
        assertThat(failure.retry()).isEqualTo(RetryAdvice.retryable());
        server.verify(1, getRequestedFor(urlEqualTo("/reset")));
    }
}
