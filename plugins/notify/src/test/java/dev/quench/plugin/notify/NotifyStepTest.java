package dev.quench.plugin.notify;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.quench.api.RetryAdvice;
import dev.quench.api.StepFailedException;
import dev.quench.api.StepPlugin;
import dev.quench.api.StepResult;
import dev.quench.testkit.StepTestContext;
import dev.quench.testkit.TestPluginEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code notify} against WireMock standing in for a Slack webhook and the PagerDuty Events v2 API. */
class NotifyStepTest {

    private static WireMockServer server;

    @TempDir
    Path directory;
    private NotifyStep step;

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
        step = new NotifyStep(Map.of("PD_ROUTING_KEY", "env-key-123")::get);
        step.start(TestPluginEnvironment.builder().build());
    }

    @AfterEach
    void tearDown() {
        step.close();
    }

    private static NotifyConfig pagerDuty(String action, String keyFile, String keyEnv, String summary,
                                          String dedupKey) {
        return new NotifyConfig(null, null, action, keyFile, keyEnv, summary, "critical", "web-7", dedupKey,
                server.baseUrl() + "/v2/enqueue");
    }

    @Test
    void isRegisteredAsServiceWithTypeNotify() {
        assertThat(ServiceLoader.load(StepPlugin.class).stream().map(ServiceLoader.Provider::type))
                .contains(NotifyStep.class);
        assertThat(step.type()).isEqualTo("notify");
    }

    @Test
    void postsSlackCompatibleJsonToTheWebhook() throws Exception {
        server.stubFor(post("/services/T0/B0/secret").willReturn(aResponse().withStatus(200).withBody("ok")));

        StepResult result = step.execute(StepTestContext.create(),
                NotifyConfig.slack(server.baseUrl() + "/services/T0/B0/secret", "disk on \"web-7\" still full\n92%"));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.stdout()).isEqualTo("posted to Slack webhook " + server.baseUrl() + "/…\n")
                .doesNotContain("secret");
        server.verify(postRequestedFor(urlEqualTo("/services/T0/B0/secret"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"text\": \"disk on \\\"web-7\\\" still full\\n92%\"}")));
    }

    @Test
    void aRevokedWebhookFailsWithTheAnswerAndWithoutTheSecretPath() {
        server.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(404).withBody("no_team")));

        assertThatThrownBy(() -> step.execute(StepTestContext.create(),
                NotifyConfig.slack(server.baseUrl() + "/services/T0/B0/secret", "hello")))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("Slack webhook " + server.baseUrl() + "/… answered HTTP 404: no_team. The message was not "
                        + "posted; check that the webhook URL is current (revoked webhooks answer 404 or 410).");
    }

    @Test
    void triggersAPagerDutyIncidentWithTheRoutingKeyFromAFile() throws Exception {
        Path keyFile = Files.writeString(directory.resolve("pd-key"), "file-key-456\n");
        server.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(202)
                .withBody("{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"quench-run-1\"}")));

        StepResult result = step.execute(StepTestContext.create(),
                pagerDuty("trigger", keyFile.toString(), null, "disk full on web-7", "quench-run-1"));

        assertThat(result.outputs()).containsEntry("dedupKey", "quench-run-1");
        assertThat(result.stdout()).doesNotContain("file-key-456");
        server.verify(postRequestedFor(urlEqualTo("/v2/enqueue")).withRequestBody(equalToJson("""
                {"routing_key": "file-key-456", "event_action": "trigger", "dedup_key": "quench-run-1",
                 "payload": {"summary": "disk full on web-7", "source": "web-7", "severity": "critical"},
                 "client": "Quench"}""")));
    }

    @Test
    void aStepWithoutEventsUrlSendsToTheSitesNotifyPagerdutyEventsUrl() throws Exception {
        server.stubFor(post("/eu/v2/enqueue").willReturn(aResponse().withStatus(202)
                .withBody("{\"status\":\"success\",\"dedup_key\":\"quench-run-2\"}")));
        NotifyStep configured = new NotifyStep(Map.of("PD_ROUTING_KEY", "env-key-123")::get);
        configured.start(TestPluginEnvironment.builder()
                .settings("notify", new NotifySettings(server.baseUrl() + "/eu/v2/enqueue")).build());
        try {
            StepResult result = configured.execute(StepTestContext.create(), new NotifyConfig(null, null, "trigger",
                    null, "PD_ROUTING_KEY", "disk full on web-7", null, null, "quench-run-2", null));

            assertThat(result.stdout()).contains("to PagerDuty Events v2 (" + server.baseUrl() + "/eu/v2/enqueue)");
            server.verify(postRequestedFor(urlEqualTo("/eu/v2/enqueue")).withRequestBody(equalToJson("""
                    {"routing_key": "env-key-123", "event_action": "trigger", "dedup_key": "quench-run-2"}""", true,
                    true)));
        } finally {
            configured.close();
        }
    }

    @Test
    void withoutANotifySectionPagesGoToPagerDutysOwnEndpoint() {
        assertThat(NotifySettings.defaults().pagerdutyEventsUrl()).isEqualTo("https://events.pagerduty.com/v2/enqueue");
        assertThat(new NotifySettings("  ").pagerdutyEventsUrl()).isEqualTo(NotifyConfig.PAGERDUTY_EVENTS_URL);
    }

    @Test
    void aSiteEventsUrlThatIsNotHttpIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> new NotifySettings("file:///etc/quench/pagerduty.key"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("notify.pagerdutyEventsUrl must be an https:// URL");
    }

    @Test
    void resolvesWithTheRoutingKeyFromTheEnvironment() throws Exception {
        server.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(202)
                .withBody("{\"status\":\"success\",\"dedup_key\":\"quench-run-1\"}")));

        StepResult result = step.execute(StepTestContext.create(),
                pagerDuty("resolve", null, "PD_ROUTING_KEY", null, "quench-run-1"));

        assertThat(result.succeeded()).isTrue();
        server.verify(postRequestedFor(urlEqualTo("/v2/enqueue")).withRequestBody(equalToJson("""
                {"routing_key": "env-key-123", "event_action": "resolve", "dedup_key": "quench-run-1"}""")));
    }

    @Test
    void aServerErrorFailsOnceAndIsRetryableByTheEnginesRetryPolicy() {
        server.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(503).withBody("busy")));

        StepFailedException failure = catchThrowableOfType(StepFailedException.class, () -> step.execute(
                StepTestContext.create(), pagerDuty("trigger", null, "PD_ROUTING_KEY", "disk full", null)));

        assertThat(failure).hasMessageContaining("answered HTTP 503 to trigger \"disk full\": busy");
        assertThat(failure.retry()).isEqualTo(RetryAdvice.retryable());
        server.verify(1, postRequestedFor(urlEqualTo("/v2/enqueue")));
    }

    @Test
    void aRejectedEventFailsWithPagerDutysAnswer() {
        server.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(400)
                .withBody("{\"status\":\"invalid event\",\"errors\":[\"'routing_key' is invalid\"]}")));

        assertThatThrownBy(() -> step.execute(StepTestContext.create(),
                pagerDuty("trigger", null, "PD_ROUTING_KEY", "disk full", null)))
                .hasMessageContaining("answered HTTP 400 to trigger \"disk full\": {\"status\":\"invalid event\"")
                .hasMessageEndingWith("PagerDuty rejected the event: check the routing key (an Events v2 integration"
                        + " key) and the fields.")
                .satisfies(failure -> assertThat(((StepFailedException) failure).retry())
                        .isEqualTo(RetryAdvice.notRetryable()));
    }

    @Test
    void aMissingRoutingKeyPagesNobodyAndSaysWhereToSetIt() {
        assertThatThrownBy(() -> step.execute(StepTestContext.create(),
                pagerDuty("trigger", null, "PD_UNSET", "disk full", null)))
                .hasMessage("environment variable PD_UNSET (routingKeyEnv) is not set for Quench: set it in the "
                        + "service's environment (systemd: Environment= or EnvironmentFile=). Nobody was paged.");
        assertThatThrownBy(() -> step.execute(StepTestContext.create(),
                pagerDuty("trigger", directory.resolve("nope").toString(), null, "disk full", null)))
                .hasMessageStartingWith("routingKeyFile " + directory.resolve("nope") + " cannot be read (");
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aDryRunSendsNothing() throws Exception {
        StepTestContext context = StepTestContext.builder().dryRun().build();

        step.execute(context, pagerDuty("trigger", null, "PD_ROUTING_KEY", "disk full", "k1"));

        assertThat(context.output().allInfo()).isEqualTo("dry run: would send trigger \"disk full\" (dedup key k1) "
                + "to PagerDuty Events v2 (" + server.baseUrl() + "/v2/enqueue)");
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void badSettingsAreRejectedWhenTheRunbookLoads() {
        assertThatThrownBy(() -> NotifyConfig.slack("https://hooks.example/x", " "))
                .hasMessage("text is required with slack: the message to post");
        assertThatThrownBy(() -> pagerDuty("page", null, "K", "s", null))
                .hasMessage("pagerduty must be trigger or resolve, got page");
        assertThatThrownBy(() -> pagerDuty("resolve", null, "K", null, null))
                .hasMessage("dedupKey is required for pagerduty: resolve (the key the trigger used)");
        assertThatThrownBy(() -> pagerDuty("trigger", null, null, "s", null))
                .hasMessage("pagerduty needs routingKeyFile (a file holding the integration key) or routingKeyEnv "
                        + "(an environment variable holding it)");
        assertThatThrownBy(() -> new NotifyConfig("https://a/b", "t", "trigger", null, null, null, null, null, null,
                null)).hasMessage("give only one of slack and pagerduty: use two notify steps to send both");
    }
}
