package dev.quench.plugin.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;
import dev.quench.testkit.StepTestContext;
import dev.quench.testkit.TestPluginEnvironment;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code expectJson: true}: a body that later steps cannot read as JSON fails the step, saying why. */
class HttpExpectJsonTest {

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
    void invalidJsonFailsNamingTheUrlTheParseErrorAndTheBody() throws Exception {
        server.stubFor(get("/state").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"state\": \"draining\",")));

        StepResult result = execute("/state", true);

        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.exitCode()).isEqualTo(200);
        assertThat(result.outputs()).doesNotContainKey("json");
        assertThat(result.message())
                .startsWith("GET " + url("/state") + " answered 200 OK but its body is not valid JSON (")
                .contains("this step sets expectJson: true (later steps read its outputs.json)")
                .contains("content type: application/json")
                .endsWith(": {\"state\": \"draining\",");
    }

    @Test
    void htmlErrorPageUnderA200FailsEvenWithoutAJsonContentType() throws Exception {
        server.stubFor(get("/state").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html").withBody("<html>maintenance</html>")));

        StepResult result = execute("/state", true);

        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.message()).contains("its body is not valid JSON").contains("content type: text/html")
                .endsWith(": <html>maintenance</html>");
    }

    @Test
    void emptyBodyFailsSayingSo() throws Exception {
        server.stubFor(get("/state").willReturn(aResponse().withStatus(200)));

        StepResult result = execute("/state", true);

        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.message()).startsWith("GET " + url("/state") + " answered 200 OK but its body is empty");
    }

    @Test
    void validJsonSucceedsWithTheJsonOutput() throws Exception {
        server.stubFor(get("/state").willReturn(aResponse().withStatus(200).withBody("{\"state\": \"ready\"}")));

        StepResult result = execute("/state", true);

        assertThat(result.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(result.outputs()).containsEntry("json", Map.of("state", "ready"));
    }

    @Test
    void withoutExpectJsonAnInvalidBodyOnlyLeavesTheJsonOutputUnset() throws Exception {
        server.stubFor(get("/state").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{oops")));

        StepResult result = execute("/state", false);

        assertThat(result.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(result.outputs()).doesNotContainKey("json");
    }

    private StepResult execute(String path, boolean expectJson) throws Exception {
        HttpRequestConfig config = HttpRequestConfig.builder().method("GET").url(url(path))
                .timeout(Duration.ofSeconds(10)).expectJson(expectJson).build();
        return step.execute(StepTestContext.builder().stepId("state").timeout(Duration.ofSeconds(20)).build(), config);
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }
}
