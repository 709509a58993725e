package dev.quench.plugin.wait;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.quench.api.StepPlugin;
import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;
import dev.quench.testkit.StepTestContext;
import dev.quench.testkit.TestPluginEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code wait} against WireMock and real local commands. */
class WaitStepTest {

    private static final Duration FAST = Duration.ofMillis(100);
    private static WireMockServer server;

    @TempDir
    Path directory;
    private WaitStep step;

    @BeforeAll
    static void startServer() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.stop();
    }

    @BeforeEach
    void setUp() {
        server.resetAll();
        step = new WaitStep();
        step.start(TestPluginEnvironment.builder().build());
    }

    @AfterEach
    void tearDown() {
        step.close();
    }

    private static WaitConfig untilHttp(String path, Integer status, Duration deadline) {
        return new WaitConfig(null, server.baseUrl() + path, status, null, FAST, deadline);
    }

    @Test
    void isRegisteredAsServiceWithTypeWait() {
        assertThat(ServiceLoader.load(StepPlugin.class).stream().map(ServiceLoader.Provider::type))
                .contains(WaitStep.class);
        assertThat(step.type()).isEqualTo("wait");
    }

    @Test
    void aFixedWaitTakesItsDuration() {
        long started = System.nanoTime();

        StepResult result = step.execute(StepTestContext.create(), WaitConfig.fixed(Duration.ofMillis(300)));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(result.succeeded()).isTrue();
        assertThat(result.stdout()).isEqualTo("waited 300ms\n");
    }

    @Test
    void aFixedWaitLongerThanTheStepTimeoutFailsAtOnce() {
        StepTestContext context = StepTestContext.builder().timeout(Duration.ofSeconds(1)).build();

        StepResult result = step.execute(context, WaitConfig.fixed(Duration.ofMinutes(5)));

        assertThat(result.message()).isEqualTo("a wait of 5m cannot end within the step's timeout of 1s; raise "
                + "timeout: on this step. Nothing was waited for.");
    }

    @Test
    void cancellingStopsAFixedWait() {
        StepTestContext context = StepTestContext.create();
        CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS)
                .execute(() -> context.cancellation().cancel("run cancelled by alice"));
        long started = System.nanoTime();

        StepResult result = step.execute(context, WaitConfig.fixed(Duration.ofSeconds(20)));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.message()).startsWith("stopped waiting after ").endsWith(" of 20s: run cancelled by alice");
    }

    @Test
    void anHttpCheckIsRepeatedUntilTheServiceAnswers2xx() {
        server.stubFor(get("/health").inScenario("boot").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("warming"));
        server.stubFor(get("/health").inScenario("boot").whenScenarioStateIs("warming")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        server.stubFor(get("/health").inScenario("boot").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(204)));
        StepTestContext context = StepTestContext.create();

        StepResult result = step.execute(context, untilHttp("/health", null, Duration.ofSeconds(10)));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.stdout()).startsWith("GET " + server.baseUrl() + "/health passed after 3 checks in ")
                .endsWith(": HTTP 204\n");
        assertThat(result.outputs()).containsEntry("checks", 3);
        assertThat(context.output().allInfo()).contains("check 1: GET " + server.baseUrl() + "/health: HTTP 503 "
                + "(expected 2xx)");
        server.verify(3, getRequestedFor(urlEqualTo("/health")));
    }

    @Test
    void anHttpCheckThatNeverPassesFailsAtTheDeadlineWithTheLastAnswer() {
        server.stubFor(get("/health").willReturn(aResponse().withStatus(200)));
        long started = System.nanoTime();

        StepResult result = step.execute(StepTestContext.create(), untilHttp("/health", 201, Duration.ofMillis(500)));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.message()).startsWith("GET " + server.baseUrl() + "/health did not pass within 500ms (")
                .contains("every 100ms; last: HTTP 200 (expected 201)). Quench stopped waiting and failed the step;");
    }

    @Test
    void aRefusedConnectionIsACheckThatHasNotPassedYet() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        StepResult result = step.execute(StepTestContext.create(), new WaitConfig(null,
                "http://127.0.0.1:" + closedPort + "/health", null, null, FAST, Duration.ofMillis(300)));

        assertThat(result.message()).contains("last: connection refused by 127.0.0.1:" + closedPort);
    }

    @Test
    void aCommandCheckPassesWhenItExitsZero() throws Exception {
        Path flag = directory.resolve("ready");
        CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS).execute(() -> {
            try {
                Files.writeString(flag, "ok");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        StepResult result = step.execute(StepTestContext.create(),
                new WaitConfig(null, null, null, "cat " + flag, FAST, Duration.ofSeconds(10)));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.stdout()).endsWith(": exit 0, output: ok\n");
    }

    @Test
    void aCommandCheckThatHangsIsStoppedAtTheDeadline() {
        long started = System.nanoTime();

        StepResult result = step.execute(StepTestContext.create(),
                new WaitConfig(null, null, null, "sleep 30", FAST, Duration.ofMillis(400)));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(result.message()).contains("last: still running at the deadline; stopped it");
    }

    @Test
    void aDryRunChecksNothing() {
        StepTestContext context = StepTestContext.builder().dryRun().build();

        assertThat(step.execute(context, untilHttp("/health", null, Duration.ofSeconds(5))).succeeded()).isTrue();

        assertThat(context.output().allInfo()).isEqualTo("dry run: would check GET " + server.baseUrl()
                + "/health every 100ms for up to 5s");
        server.verify(0, getRequestedFor(urlEqualTo("/health")));
    }

    @Test
    void badSettingsAreRejectedWhenTheRunbookLoads() {
        assertThatThrownBy(() -> new WaitConfig(null, null, null, null, null, null))
                .hasMessage("wait needs duration (a fixed wait: 30s), or http (a URL) or command to check until it passes");
        assertThatThrownBy(() -> new WaitConfig(Duration.ofSeconds(1), "http://x", null, null, null, null))
                .hasMessage("give only one of duration, http and command");
        assertThatThrownBy(() -> new WaitConfig(null, "ftp://x", null, null, null, null))
                .hasMessage("http must be an http:// or https:// URL, got ftp://x");
        assertThatThrownBy(() -> new WaitConfig(Duration.ofSeconds(1), null, null, null, null, Duration.ofSeconds(5)))
                .hasMessage("interval and deadline apply to a check (http or command), not to a fixed duration");
        assertThatThrownBy(() -> WaitConfig.fixed(Duration.ZERO)).hasMessage("duration must be positive, got PT0S");
    }
}
