package dev.quench.plugin.http;

import dev.quench.testkit.StepTestContext;
import dev.quench.testkit.TestPluginEnvironment;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.quench.api.StepFailedException;
import dev.quench.api.StepPlugin;
import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpRequestStepTest {

    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);

    private static Vertx vertx;
    private static WireMockServer server;

    private HttpRequestStep step;

    @BeforeAll
    static void startPeers() {
        vertx = Vertx.vertx();
        server = new WireMockServer(options().dynamicPort());
        server.start();
    }

    @AfterAll
    static void stopPeers() throws Exception {
        server.stop();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void startStep() {
        server.resetAll();
        step = new HttpRequestStep();
        step.start(TestPluginEnvironment.builder().service(Vertx.class, vertx).build());
    }

    @AfterEach
    void closeStep() {
        step.close();
    }

    @Test
    void getSendsQueryAndHeadersAndReturnsBodyStatusAndHeaders() throws Exception {
        server.stubFor(get(urlPathEqualTo("/health"))
                .withQueryParam("verbose", equalTo("true"))
                .withQueryParam("q", equalTo("a b&c"))
                .withHeader("X-Team", equalTo("storage"))
                .willReturn(aResponse().withStatus(200).withHeader("X-Served-By", "cache-1").withBody("all good")));

        StepResult result = execute(HttpRequestConfig.builder().method("GET").url(url("/health"))
                .headers(Map.of("X-Team", "storage")).query(ordered("verbose", "true", "q", "a b&c")).build());

        assertThat(result.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(result.exitCode()).isEqualTo(200);
        assertThat(result.stdout()).isEqualTo("all good");
        assertThat(result.outputs()).containsEntry("status", 200);
        assertThat(headers(result)).containsEntry("x-served-by", "cache-1");
        assertThat(result.outputs()).doesNotContainKey("json");
        server.verify(1, getRequestedFor(urlEqualTo("/health?verbose=true&q=a%20b%26c")));
    }

    @Test
    void postJsonArrivesExactlyWithJsonContentType() throws Exception {
        server.stubFor(post("/cache/flush").willReturn(aResponse().withStatus(204)));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("cache", "sessions");
        json.put("keys", List.of(1, 2.5, "three"));
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("dryRun", false);
        nested.put("note", null);
        json.put("options", nested);

        StepResult result = execute(HttpRequestConfig.builder().method("POST").url(url("/cache/flush")).json(json)
                .build());

        assertThat(result.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(result.exitCode()).isEqualTo(204);
        assertThat(result.stdout()).isEmpty();
        server.verify(1, postRequestedFor(urlEqualTo("/cache/flush"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalTo(
                        "{\"cache\":\"sessions\",\"keys\":[1,2.5,\"three\"],\"options\":{\"dryRun\":false,\"note\":null}}"))
                .withRequestBody(equalToJson(
                        "{\"cache\": \"sessions\", \"keys\": [1, 2.5, \"three\"], \"options\": {\"dryRun\": false, \"note\": null}}")));
    }

    @Test
    void textBodyIsSentAsIs() throws Exception {
        server.stubFor(post("/echo").willReturn(aResponse().withStatus(200)));

        execute(HttpRequestConfig.builder().method("POST").url(url("/echo")).body("line one\nzwölf").build());

        server.verify(postRequestedFor(urlEqualTo("/echo"))
                .withHeader("Content-Type", equalTo("text/plain; charset=UTF-8"))
                .withRequestBody(equalTo("line one\nzwölf")));
    }

    @Test
    void bearerTokenIsSentButNeverShown() throws Exception {
        server.stubFor(get("/secure").withHeader("Authorization", equalTo("Bearer s3cr3t-t0ken"))
                .willReturn(aResponse().withStatus(200).withBody("ok")));
        StepTestContext context = StepTestContext.builder().stepId("call").timeout(STEP_TIMEOUT).build();
        HttpRequestConfig config = HttpRequestConfig.builder().method("GET").url(url("/secure"))
                .headers(Map.of("X-Api-Key", "k3y")).bearerToken("s3cr3t-t0ken").build();

        StepResult result = step.execute(context, config);

        assertThat(result.succeeded()).isTrue();
        server.verify(getRequestedFor(urlEqualTo("/secure"))
                .withHeader("Authorization", equalTo("Bearer s3cr3t-t0ken")));
        assertThat(context.output().allInfo()).contains("[redacted]").doesNotContain("s3cr3t").doesNotContain("k3y");
        assertThat(config.toString()).doesNotContain("s3cr3t").doesNotContain("k3y");
    }

    @Test
    void basicAuthIsSentButThePasswordIsNeverShown() throws Exception {
        server.stubFor(get("/admin").willReturn(aResponse().withStatus(200)));
        StepTestContext context = StepTestContext.builder().stepId("call").timeout(STEP_TIMEOUT).build();
        HttpRequestConfig config = HttpRequestConfig.builder().method("GET").url(url("/admin"))
                .basicAuth(new HttpRequestConfig.BasicAuth("ops", "hunter2")).build();

        step.execute(context, config);

        // base64("ops:hunter2")
        server.verify(getRequestedFor(urlEqualTo("/admin")).withHeader("Authorization", equalTo("Basic b3BzOmh1bnRlcjI=")));
        assertThat(context.output().allInfo()).contains("ops").doesNotContain("hunter2");
        assertThat(config.toString()).doesNotContain("hunter2");
    }

    @Test
    void jsonResponseBecomesTheJsonOutput() throws Exception {
        server.stubFor(get("/jobs/7").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody("{\"id\": 7, \"state\": \"done\", \"hosts\": [{\"name\": \"web-7\"}], \"error\": null}")));

        StepResult result = execute(HttpRequestConfig.builder().method("GET").url(url("/jobs/7")).build());

        assertThat(result.succeeded()).isTrue();
        assertThat(result.outputs().get("json")).isInstanceOf(Map.class);
        Map<?, ?> json = (Map<?, ?>) result.outputs().get("json");
        assertThat(json.get("id")).isEqualTo(7);
        assertThat(json.get("state")).isEqualTo("done");
        assertThat(json.get("hosts")).isEqualTo(List.of(Map.of("name", "web-7")));
        assertThat(json.containsKey("error")).isTrue();
        assertThat(headers(result)).containsEntry("content-type", "application/json; charset=utf-8");
    }

    @Test
    void invalidJsonWithJsonContentTypeSucceedsAndSaysSo() throws Exception {
        server.stubFor(get("/broken").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"id\": 7,")));
        StepTestContext context = StepTestContext.builder().stepId("call").timeout(STEP_TIMEOUT).build();

        StepResult result = step.execute(context, HttpRequestConfig.builder().method("GET").url(url("/broken"))
                .build());

        assertThat(result.succeeded()).isTrue();
        assertThat(result.stdout()).isEqualTo("{\"id\": 7,");
        assertThat(result.outputs()).doesNotContainKey("json");
        assertThat(context.output().allInfo()).contains("is not valid JSON").contains("outputs.json is not set");
    }

    @Test
    void serverErrorFailsWithStatusAndBodyInTheMessage() throws Exception {
        server.stubFor(post("/restart").willReturn(aResponse().withStatus(503)
                .withStatusMessage("Service Unavailable").withBody("database is down\nretry later")));

        StepResult result = execute(HttpRequestConfig.builder().method("POST").url(url("/restart"))
                .json(Map.of("service", "nginx")).build());

        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.exitCode()).isEqualTo(503);
        assertThat(result.stdout()).isEqualTo("database is down\nretry later");
        assertThat(result.message()).isEqualTo("POST " + url("/restart")
                + " answered 503 Service Unavailable (expected 2xx): database is down retry later");
    }

    @Test
    void plainServerErrorStillNamesStatusAndBody() throws Exception {
        server.stubFor(get("/boom").willReturn(aResponse().withStatus(500).withBody("x".repeat(300))));

        StepResult result = execute(HttpRequestConfig.builder().method("GET").url(url("/boom")).build());

        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.message()).startsWith("GET " + url("/boom") + " answered 500")
                .contains("(expected 2xx): " + "x".repeat(200) + "…")
                .doesNotContain("x".repeat(201));
    }

    @Test
    void expectStatusMakesA404Succeed() throws Exception {
        server.stubFor(get("/lock").willReturn(aResponse().withStatus(404).withBody("no lock")));

        StepResult result = execute(HttpRequestConfig.builder().method("GET").url(url("/lock"))
                .expectStatus(List.of(404)).build());

        assertThat(result.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(result.exitCode()).isEqualTo(404);
    }

    @Test
    void expectStatusMakesA200Fail() throws Exception {
        server.stubFor(get("/lock").willReturn(aResponse().withStatus(200)));

        StepResult result = execute(HttpRequestConfig.builder().method("GET").url(url("/lock"))
                .expectStatus(List.of(404, 410)).build());

        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.message()).contains("answered 200").contains("(expected 404, 410)");
    }

    @Test
    void connectionResetFailsWithAClearReason() {
        server.stubFor(get("/reset").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        assertThatThrownBy(() -> execute(HttpRequestConfig.builder().method("GET").url(url("/reset")).build()))
                .isInstanceOf(StepFailedException.class)
                .hasMessageStartingWith("GET " + url("/reset") + " failed: ")
                .hasMessageContaining("reset")
                .hasMessageContaining("check the server's logs");
    }

    @Test
    void emptyResponseFailsWithAClearReason() {
        server.stubFor(get("/empty").willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));

        assertThatThrownBy(() -> execute(HttpRequestConfig.builder().method("GET").url(url("/empty")).build()))
                .isInstanceOf(StepFailedException.class)
                .hasMessageStartingWith("GET " + url("/empty") + " failed: ")
                .hasMessageContaining("without a complete answer");
    }

    @Test
    void slowServerFailsAtTheRequestTimeout() {
        server.stubFor(get(urlPathEqualTo("/slow")).willReturn(aResponse().withStatus(200).withFixedDelay(15_000)));
        long started = System.nanoTime();

        // The token in the URL must not leak through Vert.x's timeout message, which quotes the URI.
        assertThatThrownBy(() -> execute(HttpRequestConfig.builder().method("GET").url(url("/slow") + "?token=s3cr3t")
                .timeout(Duration.ofSeconds(1)).build()))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("GET " + url("/slow") + "?token=[redacted] failed: no complete answer from localhost:"
                        + server.port() + " within 1000 ms: check the server's load and logs, or raise the step's timeout")
                .hasNoCause();

        // Far below the server's 15 s delay, with room for a loaded 2-CPU build machine.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void theStepDeadlineCutsALongerRequestTimeout() {
        server.stubFor(get("/slow").willReturn(aResponse().withStatus(200).withFixedDelay(15_000)));
        long started = System.nanoTime();

        assertThatThrownBy(() -> step.execute(StepTestContext.builder().timeout(Duration.ofMillis(800)).build(),
                HttpRequestConfig.builder().method("GET").url(url("/slow")).timeout(Duration.ofSeconds(30)).build()))
                .isInstanceOf(StepFailedException.class);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void cancellationStopsWaiting() throws Exception {
        server.stubFor(get("/slow").willReturn(aResponse().withStatus(200).withFixedDelay(5_000)));
        StepTestContext context = StepTestContext.builder().stepId("call").timeout(STEP_TIMEOUT).build();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            scheduler.schedule(() -> context.cancellation().cancel("run cancelled by alice"), 300, TimeUnit.MILLISECONDS);
            long started = System.nanoTime();

            assertThatThrownBy(() -> step.execute(context,
                    HttpRequestConfig.builder().method("GET").url(url("/slow")).build()))
                    .isInstanceOf(StepFailedException.class)
                    .hasMessageContaining("stopped waiting for the answer (run cancelled by alice)");

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void connectionRefusedFailsNamingTheAddress() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "http://localhost:" + closedPort + "/hooks";

        assertThatThrownBy(() -> execute(HttpRequestConfig.builder().method("POST").url(url).json(Map.of("a", 1))
                .build()))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("POST " + url + " failed: connection refused by localhost:" + closedPort
                        + ": nothing listens there; check that the service runs and that the URL's port is right");
    }

    @Test
    void unknownHostFailsNamingDns() {
        String url = "http://no-such-host.invalid/x";

        assertThatThrownBy(() -> execute(HttpRequestConfig.builder().method("GET").url(url).build()))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("'no-such-host.invalid' does not resolve (DNS)");
    }

    @Test
    void bigBodyIsCappedAndMarked() throws Exception {
        int size = 200 * 1024;
        server.stubFor(get("/big").willReturn(aResponse().withStatus(200).withBody("a".repeat(size))));

        StepResult result = execute(HttpRequestConfig.builder().method("GET").url(url("/big")).build());

        int shown = ResponseReader.STDOUT_LIMIT_BYTES;
        assertThat(result.succeeded()).isTrue();
        assertThat(result.stdout()).isEqualTo("a".repeat(shown) + "…[truncated " + (size - shown) + " bytes]");
    }

    @Test
    void dryRunSendsNothing() throws Exception {
        StepResult result = step.execute(StepTestContext.builder().stepId("call").timeout(STEP_TIMEOUT).dryRun().build(),
                HttpRequestConfig.builder().method("DELETE").url(url("/everything")).build());

        assertThat(result.succeeded()).isTrue();
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void startWithoutTheSharedVertxFailsClearly() {
        HttpRequestStep unstarted = new HttpRequestStep();

        assertThatThrownBy(() -> unstarted.start(TestPluginEnvironment.builder().build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs the engine's shared Vert.x instance");
    }

    @Test
    void settingsFromQuenchYamlApply() throws Exception {
        server.stubFor(get("/ua").willReturn(aResponse().withStatus(200)));
        HttpRequestStep configured = new HttpRequestStep();
        configured.start(TestPluginEnvironment.builder().service(Vertx.class, vertx)
                .settings("http", new HttpSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), 4096, "Quench-test/1")).build());
        try {
            configured.execute(StepTestContext.builder().stepId("call").timeout(STEP_TIMEOUT).build(),
                    HttpRequestConfig.builder().method("GET").url(url("/ua")).build());
        } finally {
            configured.close();
        }

        server.verify(getRequestedFor(urlEqualTo("/ua")).withHeader("User-Agent", equalTo("Quench-test/1")));
    }

    @Test
    void isDiscoveredByServiceLoader() {
        assertThat(ServiceLoader.load(StepPlugin.class).stream().map(ServiceLoader.Provider::type))
                .contains(HttpRequestStep.class);
        assertThat(new HttpRequestStep().type()).isEqualTo("http.request");
    }

    @Test
    void configRejectsWhatCannotWork() {
        assertThatThrownBy(() -> HttpRequestConfig.builder().method("POST").url(url("/x")).json(Map.of("a", 1))
                .body("text").build())
                .hasMessage("http.request: set either json (sent as application/json) or body (sent as text), not both");
        assertThatThrownBy(() -> HttpRequestConfig.builder().method("GET").build())
                .hasMessageStartingWith("http.request: url is required");
        assertThatThrownBy(() -> HttpRequestConfig.builder().method("GET").url("ftp://files.example.com/x").build())
                .hasMessage("http.request: url 'ftp://files.example.com/x' must start with http:// or https://");
        assertThatThrownBy(() -> HttpRequestConfig.builder().method("GET").url("https://ops:pw@api.example.com/")
                .build())
                .hasMessageContaining("use basicAuth");
        assertThatThrownBy(() -> HttpRequestConfig.builder().method("BREW").url(url("/x")).build())
                .hasMessageContaining("method 'BREW' is not supported");
        assertThatThrownBy(() -> HttpRequestConfig.builder().method("GET").url(url("/x")).expectStatus(List.of(42))
                .build())
                .hasMessageContaining("expectStatus 42 is not an HTTP status code");
        assertThatThrownBy(() -> HttpRequestConfig.builder().method("GET").url(url("/x"))
                .headers(Map.of("authorization", "Bearer a")).bearerToken("b").build())
                .hasMessageContaining("the Authorization header is set twice");
        assertThatThrownBy(() -> HttpRequestConfig.builder().method("GET").url(url("/x"))
                .headers(Map.of("X-A", "1\r\nX-Injected: yes")).build())
                .hasMessageContaining("contains a line break");
    }

    @Test
    void configDefaults() {
        HttpRequestConfig config = HttpRequestConfig.builder().url(" https://api.example.com/v1 ").build();

        assertThat(config.method()).isEqualTo("GET");
        assertThat(config.url()).isEqualTo("https://api.example.com/v1");
        assertThat(config.followRedirects()).isTrue();
        assertThat(config.headers()).isEmpty();
        assertThat(config.expectedStatusText()).isEqualTo("2xx");
    }

    private StepResult execute(HttpRequestConfig config) throws Exception {
        return step.execute(StepTestContext.builder().stepId("call").timeout(STEP_TIMEOUT).build(), config);
    }

    private static String url(String path) {
        return "http://localhost:" + server.port() + path;
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> headers(StepResult result) {
        return (Map<String, String>) result.outputs().get("headers");
    }

}
