package dev.quench.plugin.prometheus;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.quench.api.RetryAdvice;
import dev.quench.api.StepFailedException;
import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;
import dev.quench.plugin.prometheus.PrometheusQueryConfig.Expect;
import dev.quench.testkit.StepTestContext;
import dev.quench.testkit.TestPluginEnvironment;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code prometheus.query} against a WireMock standing in for Prometheus's HTTP API: every expectation, polling
 * until it holds or the deadline passes, Prometheus's own errors, outages, NaN, refused result types, auth.
 */
class PrometheusQueryStepTest {

    private static final String PATH = "/api/v1/query";

    private static Vertx vertx;
    private static WireMockServer server;
    private PrometheusQueryStep step;
    private StepTestContext context;

    @TempDir
    Path temp;

    @BeforeAll
    static void startPeers() {
        vertx = Vertx.vertx();
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
    }

    @AfterAll
    static void stopPeers() {
        server.stop();
        vertx.close().await();
    }

    @BeforeEach
    void reset() {
        server.resetAll();
        context = StepTestContext.builder().stepId("check").timeout(Duration.ofSeconds(30)).build();
    }

    @AfterEach
    void closeStep() {
        if (step != null) {
            step.close();
        }
    }

    private void start(PrometheusSettings settings) throws IOException {
        step = new PrometheusQueryStep();
        TestPluginEnvironment.Builder environment = TestPluginEnvironment.builder().service(Vertx.class, vertx);
        if (settings != null) {
            environment.settings("prometheus", settings);
        }
        step.start(environment.build());
    }

    private void start() throws IOException {
        start(new PrometheusSettings("http://127.0.0.1:" + server.port() + "/", Duration.ofSeconds(5), null, null));
    }

    private static String vector(String... series) {
        return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[" + String.join(",", series)
                + "]}}";
    }

    private static String sample(String job, String value) {
        return "{\"metric\":{\"__name__\":\"up\",\"job\":\"" + job + "\"},\"value\":[1733380000.123,\"" + value + "\"]}";
    }

    private static void answer(String body) {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson(body)));
    }

    private static PrometheusQueryConfig query(Expect expect) {
        return new PrometheusQueryConfig("up", expect, null, null);
    }

    private static Expect below(double n) {
        return new Expect(n, null, null, null, null);
    }

    private static Expect above(double n) {
        return new Expect(null, n, null, null, null);
    }

    private static Expect equal(double n) {
        return new Expect(null, null, n, null, null);
    }

    private static final Expect EMPTY = new Expect(null, null, null, true, null);
    private static final Expect NON_EMPTY = new Expect(null, null, null, null, true);

    @Test
    void eachExpectationHoldsOrNotOnTheMeasuredValue() throws Exception {
        start();
        answer(vector(sample("a", "0.25")));

        assertThat(step.execute(context, query(below(0.5))).succeeded()).isTrue();
        assertThat(step.execute(context, query(below(0.25))).succeeded()).isFalse();
        assertThat(step.execute(context, query(above(0.2))).succeeded()).isTrue();
        assertThat(step.execute(context, query(above(0.25))).succeeded()).isFalse();
        assertThat(step.execute(context, query(equal(0.25))).succeeded()).isTrue();
        assertThat(step.execute(context, query(equal(1))).succeeded()).isFalse();
        assertThat(step.execute(context, query(NON_EMPTY)).succeeded()).isTrue();
        assertThat(step.execute(context, query(EMPTY)).succeeded()).isFalse();

        answer(vector());
        assertThat(step.execute(context, query(EMPTY)).succeeded()).isTrue();
        assertThat(step.execute(context, query(NON_EMPTY)).succeeded()).isFalse();
        StepResult noSeries = step.execute(context, query(below(1)));
        assertThat(noSeries.succeeded()).as("an empty result satisfies no comparison").isFalse();
        assertThat(noSeries.message()).contains("empty result");
    }

    @Test
    void theOutputsCarryTheValueTheSeriesCountAndTheLabelledSeries() throws Exception {
        start();
        answer(vector(sample("a", "1"), sample("b", "0.5")));

        StepResult result = step.execute(context, query(NON_EMPTY));

        assertThat(result.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(result.outputs()).containsEntry("value", 1.0).containsEntry("series", 2);
        assertThat(result.outputs().get("result")).isEqualTo(List.of(
                Map.of("labels", Map.of("__name__", "up", "job", "a"), "value", 1.0),
                Map.of("labels", Map.of("__name__", "up", "job", "b"), "value", 0.5)));
        server.verify(getRequestedFor(urlPathEqualTo(PATH)).withQueryParam("query", equalTo("up")));
    }

    @Test
    void everySeriesMustSatisfyAComparisonAndTheFailureNamesTheOneThatDoesNot() throws Exception {
        start();
        answer(vector(sample("a", "0.1"), sample("b", "3")));

        StepResult result = step.execute(context, query(below(1)));

        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.message()).contains("every series below 1").contains("job=\"b\"} 3")
                .contains("2 series");
    }

    @Test
    void aScalarResultIsOneSeriesWithoutLabels() throws Exception {
        start();
        answer("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1733380000,\"42\"]}}");

        StepResult result = step.execute(context, query(equal(42)));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.outputs()).containsEntry("value", 42.0).containsEntry("series", 1);
    }

    @Test
    void itAsksAgainUntilTheExpectationHolds() throws Exception {
        start();
        server.stubFor(get(urlPathEqualTo(PATH)).inScenario("recovering").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(vector(sample("a", "0.2")))).willSetStateTo("second"));
        server.stubFor(get(urlPathEqualTo(PATH)).inScenario("recovering").whenScenarioStateIs("second")
                .willReturn(okJson(vector(sample("a", "0.05")))).willSetStateTo("recovered"));
        server.stubFor(get(urlPathEqualTo(PATH)).inScenario("recovering").whenScenarioStateIs("recovered")
                .willReturn(okJson(vector(sample("a", "0.001")))));

        StepResult result = step.execute(context,
                new PrometheusQueryConfig("up", below(0.01), Duration.ofSeconds(20), Duration.ofSeconds(1)));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.outputs()).containsEntry("value", 0.001).containsEntry("queries", 3);
        assertThat(context.output().allInfo()).contains("query 1: got 1 series: {__name__=\"up\", job=\"a\"} 0.2");
        server.verify(3, getRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void whenTheDeadlinePassesItFailsWithTheLastMeasuredValue() throws Exception {
        start();
        answer(vector(sample("a", "7.5")));
        long started = System.nanoTime();

        StepResult result = step.execute(context,
                new PrometheusQueryConfig("up", below(1), Duration.ofSeconds(2), Duration.ofSeconds(1)));

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.message()).contains("did not hold within 2s").contains("2 queries")
                .contains("job=\"a\"} 7.5");
        assertThat(result.outputs()).containsEntry("value", 7.5);
        assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
    }

    @Test
    void aQueryTheDeadlineCutsShortDoesNotHideTheMeasuredValue() throws Exception {
        start();
        server.stubFor(get(urlPathEqualTo(PATH)).inScenario("slow").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(vector(sample("a", "7.5")))).willSetStateTo("slow"));
        server.stubFor(get(urlPathEqualTo(PATH)).inScenario("slow").whenScenarioStateIs("slow")
                .willReturn(okJson(vector(sample("a", "7.5"))).withFixedDelay(4000)));

        StepResult result = step.execute(context,
                new PrometheusQueryConfig("up", below(1), Duration.ofMillis(2500), Duration.ofSeconds(1)));

        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.message()).contains("did not hold within 2500ms").contains("last: got 1 series")
                .contains("job=\"a\"} 7.5");
        assertThat(context.output().allInfo()).contains("query 2: no answer from");
    }

    @Test
    void badPromQlFailsAtOnceWithPrometheussOwnErrorAndIsNotRetried() throws Exception {
        start();
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"status\":\"error\",\"errorType\":"
                        + "\"bad_data\",\"error\":\"invalid parameter \\\"query\\\": 1:5: parse error: unexpected "
                        + "right parenthesis ')'\"}")));

        StepResult result = step.execute(context,
                new PrometheusQueryConfig("rate(", below(1), Duration.ofSeconds(10), Duration.ofSeconds(1)));

        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.message()).contains("Prometheus answered 400 bad_data")
                .contains("parse error: unexpected right parenthesis ')'").contains("query: rate(");
        assertThat(result.retry()).isEqualTo(RetryAdvice.notRetryable());
        server.verify(1, getRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void aServiceUnavailableAnswerIsAskedAgainWithinUntil() throws Exception {
        start();
        server.stubFor(get(urlPathEqualTo(PATH)).inScenario("restart").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody("Service Unavailable")).willSetStateTo("up"));
        server.stubFor(get(urlPathEqualTo(PATH)).inScenario("restart").whenScenarioStateIs("up")
                .willReturn(okJson(vector(sample("a", "1")))));

        StepResult result = step.execute(context,
                new PrometheusQueryConfig("up", equal(1), Duration.ofSeconds(10), Duration.ofSeconds(1)));

        assertThat(result.succeeded()).isTrue();
        assertThat(context.output().allInfo()).contains("query 1: http://127.0.0.1:" + server.port()
                + "/api/v1/query answered 503: Service Unavailable");
        server.verify(2, getRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void withoutUntilAnOutageFailsAsRetryableNamingTheUrl() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        start(new PrometheusSettings("http://127.0.0.1:" + closedPort, Duration.ofSeconds(2), null, null));

        StepResult result = step.execute(context, query(equal(1)));

        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.message()).contains("could not reach http://127.0.0.1:" + closedPort + "/api/v1/query");
        assertThat(result.retry()).isEqualTo(RetryAdvice.retryable());
    }

    @Test
    void notANumberSatisfiesNoComparisonAndIsReportedAsNaN() throws Exception {
        start();
        answer(vector(sample("a", "NaN")));

        for (Expect expect : List.of(below(1), above(-1), equal(0))) {
            StepResult result = step.execute(context, query(expect));
            assertThat(result.status()).as(expect.toString()).isEqualTo(StepStatus.FAILED);
            assertThat(result.message()).contains("job=\"a\"} NaN");
            assertThat(result.outputs()).containsEntry("value", "NaN");
        }
        assertThat(step.execute(context, query(NON_EMPTY)).succeeded()).isTrue();

        answer(vector(sample("a", "+Inf")));
        assertThat(step.execute(context, query(above(1e300))).succeeded()).isTrue();
        assertThat(step.execute(context, query(below(1e300))).outputs()).containsEntry("value", "+Inf");
    }

    @Test
    void anAnswerLargerThanTheLimitFailsAtOnceWithAHint() throws Exception {
        step = new PrometheusQueryStep(4096);
        step.start(TestPluginEnvironment.builder().service(Vertx.class, vertx).settings("prometheus",
                new PrometheusSettings("http://127.0.0.1:" + server.port(), null, null, null)).build());
        String[] many = new String[200];
        java.util.Arrays.setAll(many, i -> sample("job-" + i, "1"));
        answer(vector(many));

        StepResult result = step.execute(context,
                new PrometheusQueryConfig("up", NON_EMPTY, Duration.ofSeconds(10), Duration.ofSeconds(1)));

        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.message()).contains("larger than 4096 bytes").contains("Narrow the query");
        server.verify(1, getRequestedFor(urlPathEqualTo(PATH)));

        answer(vector(sample("a", "1")));
        assertThat(step.execute(context, query(NON_EMPTY)).succeeded()).as("a small answer still passes").isTrue();
    }

    @Test
    void aCancelledRunStopsThePollingAtOnce() throws Exception {
        start();
        answer(vector(sample("a", "5")));
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            context.cancellation().cancel("cancelled by alice");
        });
        long started = System.nanoTime();

        StepResult result = step.execute(context,
                new PrometheusQueryConfig("up", below(1), Duration.ofMinutes(1), Duration.ofSeconds(10)));

        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.message()).contains("stopped querying Prometheus after 1 query: cancelled by alice")
                .contains("job=\"a\"} 5");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aRangeVectorIsRefusedWithAHint() throws Exception {
        start();
        answer("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},"
                + "\"values\":[[1733380000,\"1\"]]}]}}");

        StepResult result = step.execute(context,
                new PrometheusQueryConfig("up[5m]", NON_EMPTY, Duration.ofSeconds(10), Duration.ofSeconds(1)));

        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.message()).contains("returned a matrix, not a vector or scalar").contains("rate(x[5m])");
        server.verify(1, getRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void theBearerTokenFromItsFileIsSent() throws Exception {
        Path token = Files.writeString(temp.resolve("token"), "s3cret-token\n");
        start(new PrometheusSettings("http://127.0.0.1:" + server.port(), null, token.toString(), null));
        answer(vector(sample("a", "1")));

        assertThat(step.execute(context, query(equal(1))).succeeded()).isTrue();

        server.verify(getRequestedFor(urlPathEqualTo(PATH))
                .withHeader("Authorization", equalTo("Bearer s3cret-token")));
    }

    @Test
    void basicAuthWithThePasswordFromItsFileIsSent() throws Exception {
        Path password = Files.writeString(temp.resolve("password"), "pa55\n");
        start(new PrometheusSettings("http://127.0.0.1:" + server.port(), null, null,
                new PrometheusSettings.BasicAuth("quench", password.toString())));
        answer(vector(sample("a", "1")));

        assertThat(step.execute(context, query(equal(1))).succeeded()).isTrue();

        server.verify(getRequestedFor(urlPathEqualTo(PATH))
                .withHeader("Authorization", equalTo("Basic cXVlbmNoOnBhNTU=")));
    }

    @Test
    void anUnreadableSecretFileStopsTheStartNamingTheKey() {
        PrometheusSettings settings = new PrometheusSettings("http://127.0.0.1:9", null,
                temp.resolve("missing").toString(), null);
        step = new PrometheusQueryStep();

        assertThatThrownBy(() -> step.start(TestPluginEnvironment.builder().service(Vertx.class, vertx)
                .settings("prometheus", settings).build()))
                .hasMessageContaining("prometheus.bearerTokenFile").hasMessageContaining("cannot be read");
    }

    @Test
    void withoutPrometheusUrlTheStepFailsNamingTheKey() throws Exception {
        start(null);

        StepFailedException failure = catchThrowableOfType(StepFailedException.class,
                () -> step.execute(context, query(equal(1))));

        assertThat(failure.getMessage()).contains("prometheus.url").contains("quench.yaml");
        server.verify(0, getRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void aDryRunShowsTheQueryAndTheExpectationAndSendsNothing() throws Exception {
        start();
        StepTestContext dry = StepTestContext.builder().stepId("check").dryRun().build();

        StepResult result = step.execute(dry,
                new PrometheusQueryConfig("sum(rate(errors[1m]))", below(0.01), Duration.ofMinutes(5), null));

        assertThat(result.succeeded()).isTrue();
        assertThat(dry.output().allInfo()).contains("sum(rate(errors[1m]))")
                .contains("expect: every series below 0.01 (every 15s, for up to 30s)").contains("dry run");
        server.verify(0, getRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void badSettingsAndStepFieldsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> new PrometheusSettings("ftp://x", null, null, null))
                .hasMessageContaining("prometheus.url must be an http:// or https:// URL");
        assertThatThrownBy(() -> new PrometheusSettings("http://user:pw@prom:9090", null, null, null))
                .hasMessageContaining("prometheus.basicAuth").hasMessageNotContaining("pw");
        assertThatThrownBy(() -> new PrometheusSettings("http://prom:9090", Duration.ZERO, null, null))
                .hasMessageContaining("prometheus.timeout must be positive");
        assertThatThrownBy(() -> new PrometheusSettings("http://prom:9090", null, "/t",
                new PrometheusSettings.BasicAuth("u", "/p"))).hasMessageContaining("not both");
        assertThatThrownBy(() -> new Expect(1.0, 2.0, null, null, null)).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> new Expect(null, null, null, false, null)).hasMessageContaining("empty: true");
        assertThatThrownBy(() -> new PrometheusQueryConfig(" ", null, null, null)).hasMessageContaining("query");
        assertThatThrownBy(() -> new PrometheusQueryConfig("up", null, Duration.ofMinutes(1), Duration.ofMillis(500)))
                .hasMessageContaining("every must be at least 1s");
        assertThatThrownBy(() -> new PrometheusQueryConfig("up", null, null, Duration.ofSeconds(5)))
                .hasMessageContaining("every applies with until");
    }
}
