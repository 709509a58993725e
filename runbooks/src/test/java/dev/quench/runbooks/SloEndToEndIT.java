package dev.quench.runbooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.quench.core.boot.Engine;
import dev.quench.core.config.ConfigLoader;
import dev.quench.core.util.Json;
import dev.quench.testkit.AlertmanagerProcess;
import dev.quench.testkit.PeerProcess;
import dev.quench.testkit.PrometheusProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20 end to end, every peer real: a service's error ratio goes high → the SHIPPED burn-rate rules
 * (deploy/prometheus/slo-burn-rate-rules.yml, loaded unchanged) fire in Debian's Prometheus 2.42 → Debian's
 * Alertmanager sends them (and later their resolution) to an in-process Quench with its bearer token → the SHIPPED
 * runbook slo-burn-rate-remediate (copied unchanged) holds a fast burn for approval with the measured burn rate, or
 * mitigates a medium burn alone → its mitigation really stops the errors → verify reads the recovered series from
 * Prometheus → the incident's postmortem export tells the whole story. A hostile service label posted to
 * Alertmanager starts nothing.
 *
 * <p>Timing: the shipped alert rules have no {@code for:}, so they fire at the first evaluation that sees the
 * burn (rules and scrapes every second here). No window fills in a test this short, so every window covers the
 * service's whole history: 2 % errors burn web's 0.1 % budget 20 times (both pages fire), 10 % burn batch-api's
 * 1 % budget 10 times (the medium page only), and recovery is the bad seconds diluting in good traffic until the
 * 5-minute burn rate is under verify's 6. Each service's counters appear only when its scenario starts, so the
 * scenarios do not dilute each other.
 */
class SloEndToEndIT {

    private static final Path RULES = Path.of("../deploy/prometheus/slo-burn-rate-rules.yml");
    private static final Path RUNBOOK = Path.of("slo-burn-rate-remediate.yaml");
    private static final String RUNBOOK_NAME = "slo-burn-rate-remediate";
    private static final String SENDER_TOKEN = "am-slo-5e1f07c2";
    private static final String APPROVER = "oncall-alice";
    /** Requests each scrape adds per service (the exporter's traffic is counted per scrape, so ratios are exact). */
    private static final int REQUESTS_PER_SCRAPE = 1000;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern BURN_DECISION = Pattern.compile(
            "errorBudget: ([0-9.]+)(,? not)? (>|above) 14\\.4 \\(slo:burn_rate1h\\{service=\"([a-z-]+)\"}\\): (.*)");

    @TempDir
    static Path temp;

    private static TestExporter service;
    private static AlertmanagerProcess alertmanager;
    private static PrometheusProcess prometheus;
    private static Engine quench;
    private static String approverToken;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Map<String, Traffic> TRAFFIC = new ConcurrentHashMap<>();
    private static final List<JsonNode> MITIGATIONS = new CopyOnWriteArrayList<>();

    /** One service's request counters; each scrape adds {@link #REQUESTS_PER_SCRAPE} at the current error ratio. */
    private static final class Traffic {
        private long requests;
        private long errors;
        private volatile int errorsPerScrape;

        synchronized String scrape(String name) {
            requests += REQUESTS_PER_SCRAPE;
            errors += errorsPerScrape;
            return "http_requests_total{service=\"%s\",code=\"200\"} %d\nhttp_requests_total{service=\"%s\",code=\"500\"} %d\n"
                    .formatted(name, requests - errors, name, errors);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        PrometheusProcess.require();
        if ("true".equals(System.getenv("CI"))) {
            Assertions.assertTrue(AlertmanagerProcess.available(), "CI must install prometheus-alertmanager (.ci/run does)");
        }
        Assumptions.assumeTrue(AlertmanagerProcess.available(), "install prometheus-alertmanager to run this test");

        service = TestExporter.start(() -> {
            StringBuilder text = new StringBuilder("# TYPE http_requests_total counter\n");
            TRAFFIC.forEach((name, traffic) -> text.append(traffic.scrape(name)));
            return text.toString();
        });
        // The service's own mitigation endpoint: what the runbook's mitigate step calls. It stops the errors.
        service.route("/mitigate", exchange -> {
            JsonNode request = Json.json().readTree(exchange.getRequestBody().readAllBytes());
            MITIGATIONS.add(request);
            Traffic traffic = TRAFFIC.get(request.path("service").asText());
            if (traffic != null) {
                traffic.errorsPerScrape = 0;
            }
            answer(exchange, 202, "{\"mitigating\": true}");
        });

        int quenchPort = PeerProcess.freePort();
        Path tokenFile = Files.writeString(temp.resolve("am.token"), SENDER_TOKEN + "\n");
        alertmanager = AlertmanagerProcess.start(temp.resolve("alertmanager"),
                "http://127.0.0.1:" + quenchPort + "/hooks/alertmanager", tokenFile, List.of("service"));
        prometheus = PrometheusProcess.builder(temp.resolve("prometheus")).scrape("app", service.target())
                .ruleFile(RULES).alertmanager(alertmanager.target()).start();

        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.copy(RUNBOOK, runbooks.resolve(RUNBOOK.getFileName()));
        Files.writeString(temp.resolve("slack.url"), service.url() + "/chat\n");
        Path config = Files.writeString(temp.resolve("quench.yaml"), """
                data: data
                runbooks: runbooks
                server: {host: 127.0.0.1, port: %d}
                sources:
                  alertmanager:
                    auth: {bearerTokenFile: %s}
                prometheus:
                  url: %s
                incidents:
                  groupBy: [service]
                params:
                  slo-burn-rate-remediate: {mitigationUrl: "%s/mitigate"}
                secrets:
                  slack_webhook: {file: slack.url}
                """.formatted(quenchPort, tokenFile, prometheus.url(), service.url()));
        quench = Engine.start(ConfigLoader.load(config, temp.resolve("data")));
        assertThat(quench.runbooks().problems()).isEmpty();

        HttpResponse<String> created = send("POST", "/api/v1/tokens", quench.apiToken().value(),
                "{\"name\": \"" + APPROVER + "\", \"role\": \"operator\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        approverToken = Json.json().readTree(created.body()).path("token").asText();
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (alertmanager != null) {
            alertmanager.close();
        }
        if (quench != null) {
            quench.close();
        }
        if (service != null) {
            service.close();
        }
    }

    @Test
    void aFastBurnWaitsForApprovalWithTheBurnRateThenIsMitigatedVerifiedAndWrittenUp() throws Exception {
        String web = "web";
        // 2 % errors from web's first scraped request: 20 times its 0.1 % budget at once, so both pages fire in one
        // evaluation, as the fast page does first in production when a service breaks at once (its 1h window
        // fills faster than the medium page's 6h one; here no window has history, so they would rise together
        // through 6 and the medium page would come first).
        failing(web, 20);
        JsonNode held = awaitRun(web, run -> run.path("status").asText().equals("awaiting_approval"));
        String runId = held.path("id").asText();

        assertThat(held.path("message").asText())
                .contains("the error budget is burning too fast for automation to act alone; waiting for approval");
        Matcher decision = decisionOf(runId, "errorBudget");
        assertThat(decision.group(5)).isEqualTo("waiting for approval");
        assertThat(Double.parseDouble(decision.group(1))).as("the measured 1h burn rate").isGreaterThan(14.4);
        assertThat(held.path("steps")).isEmpty();
        assertThat(mitigationsOf(web)).as("nothing acted before a person decided").isEmpty();

        HttpResponse<String> approved = send("POST", "/api/v1/runs/" + runId + "/approve", approverToken,
                "{\"reason\": \"checked the deploy log: no rollout in flight\"}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);

        JsonNode run = awaitRun(web, candidate -> candidate.path("id").asText().equals(runId)
                && candidate.path("finishedAt").isTextual());
        assertThat(run.path("status").asText()).as(run.path("message").asText()).isEqualTo("succeeded");
        assertThat(steps(run)).containsExactly(tuple("mitigate", "run", "succeeded"),
                tuple("recovered", "verify", "succeeded"));
        assertThat(run.path("steps").get(1).path("stdout").asText()).contains("service=\"web\"}");
        assertThat(mitigationsOf(web)).singleElement().satisfies(request -> {
            assertThat(request.path("requestedBy").asText()).isEqualTo("quench");
            assertThat(request.path("alertname").asText()).startsWith("SLOErrorBudgetBurn");
        });
        double burnAfter = Double.parseDouble(prometheus.series("slo:burn_rate5m{service=\"web\"}").get(0)
                .path("value").get(1).asText());
        assertThat(burnAfter).as("the series verify read has recovered").isLessThan(6);

        JsonNode incident = awaitResolvedIncident(web);
        String markdown = export(incident, "markdown");
        JsonNode draft = Json.json().readTree(export(incident, "json"));
        List<String> timeline = kinds(draft);

        assertThat(timeline).contains("alert_fired", "run_queued", "decision", "step", "run_ended", "alert_resolved",
                "incident_resolved");
        assertThat(timeline.indexOf("alert_fired")).isLessThan(timeline.indexOf("run_queued"));
        assertThat(timeline.lastIndexOf("incident_resolved")).isEqualTo(timeline.size() - 1);
        assertThat(events(draft, "alert_fired")).extracting(event -> event.path("fields").path("alertname").asText())
                .contains("SLOErrorBudgetBurnFast", "SLOErrorBudgetBurnMedium");
        assertThat(events(draft, "alert_resolved")).isNotEmpty();
        assertThat(events(draft, "decision")).extracting(event -> event.path("fields").path("action").asText(),
                        event -> event.path("fields").path("actor").asText())
                .contains(tuple("errorBudget", "quench"), tuple("approve", APPROVER));
        assertThat(events(draft, "step")).extracting(event -> event.path("fields").path("stepId").asText(),
                        event -> event.path("fields").path("status").asText())
                .containsExactly(tuple("mitigate", "succeeded"), tuple("recovered", "succeeded"));
        assertThat(events(draft, "run_ended")).extracting(event -> event.path("fields").path("status").asText(),
                        event -> event.path("fields").path("message").asText().replaceFirst(":.*", ""))
                .as("the second page's run is refused: one burn is mitigated once")
                .containsExactlyInAnyOrder(tuple("succeeded", ""), tuple("refused", "cooldown 15m"));
        assertThat(draft.path("toil").path("approvers")).extracting(JsonNode::asText).containsExactly(APPROVER);

        assertThat(markdown).contains("Alert " + code("SLOErrorBudgetBurnFast") + " fired (" + code("alertmanager") + ")")
                .contains("Runbook " + code(RUNBOOK_NAME) + " matched: run " + code(runId) + " queued")
                .contains(code("errorBudget") + " by " + code("quench") + ": " + markdownEscaped(decision.group()))
                .contains(code("approve") + " by " + code(APPROVER) + ": checked the deploy log\\: no rollout in "
                        + "flight")
                .contains("Step " + code("mitigate") + " (" + code("http.request") + ") of " + code(RUNBOOK_NAME)
                        + ": succeeded")
                .contains("Step " + code("recovered") + " (" + code("prometheus.query") + ") of " + code(RUNBOOK_NAME)
                        + ": succeeded")
                .contains("Alert " + code("SLOErrorBudgetBurnFast") + " resolved")
                .contains("Run " + code(runId) + " of " + code(RUNBOOK_NAME) + " succeeded; toil saved")
                .contains("Incident resolved: every alert resolved and every run ended")
                .contains("Approvals: 1 (by " + code(APPROVER) + ")");
    }

    @Test
    void aMediumBurnWithBudgetLeftIsMitigatedWithoutApproval() throws Exception {
        String batch = "batch-api";
        healthy(batch);

        burn(batch, 100); // 10 % errors: 10 times batch-api's 1 % budget: the medium page, not the fast one
        JsonNode run = awaitRun(batch, candidate -> candidate.path("finishedAt").isTextual()
                && !candidate.path("status").asText().equals("refused"));

        assertThat(run.path("status").asText()).as(run.path("message").asText()).isEqualTo("succeeded");
        Matcher decision = decisionOf(run.path("id").asText(), "errorBudget");
        assertThat(decision.group(5)).isEqualTo("acting");
        assertThat(Double.parseDouble(decision.group(1))).as("the measured 1h burn rate").isBetween(6.0, 14.4);
        assertThat(decisions(run.path("id").asText())).extracting(node -> node.path("action").asText())
                .doesNotContain("approve");
        assertThat(steps(run)).containsExactly(tuple("mitigate", "run", "succeeded"),
                tuple("recovered", "verify", "succeeded"));
        assertThat(mitigationsOf(batch)).singleElement().satisfies(request ->
                assertThat(request.path("alertname").asText()).isEqualTo("SLOErrorBudgetBurnMedium"));

        JsonNode incident = awaitResolvedIncident(batch);
        JsonNode draft = Json.json().readTree(export(incident, "json"));
        assertThat(kinds(draft)).contains("alert_fired", "run_queued", "decision", "step", "run_ended",
                "alert_resolved", "incident_resolved");
        assertThat(draft.path("toil").path("approvals").asInt()).isZero();
        assertThat(draft.path("toil").path("minutesSaved").asInt()).as("handled without a human").isEqualTo(30);
        assertThat(export(incident, "markdown")).contains(markdownEscaped(decision.group()))
                .contains("Approvals: 0");
    }

    @Test
    void aServiceLabelThatTriesToSmugglePromqlStartsNothing() throws Exception {
        String hostile = "web\"} or vector(100) or {service=\"web";
        alertmanager.postAlerts("""
                [{"labels": {"alertname": "SLOErrorBudgetBurnFast", "severity": "critical", "slo_window": "1h",
                             "service": %s},
                  "startsAt": "%s"}]""".formatted(Json.json().writeValueAsString(hostile), Instant.now()));

        JsonNode stored = awaitJson("/api/v1/alerts?matched=false", answer -> StreamSupport.stream(
                answer.path("alerts").spliterator(), false).anyMatch(alert ->
                hostile.equals(alert.path("alert").path("labels").path("service").asText())));
        assertThat(stored).isNotNull();
        assertThat(runsOf(hostile)).isEmpty();
        assertThat(mitigationsOf(hostile)).isEmpty();
    }

    // ---- the service's traffic

    /** Starts the service's counters with no errors and waits until the burn-rate chain reads 0 for it. */
    private static void healthy(String name) throws Exception {
        TRAFFIC.put(name, new Traffic());
        prometheus.awaitValue("slo:burn_rate5m{service=\"" + name + "\"}", "0"::equals, Duration.ofSeconds(30));
    }

    /** Starts the service's counters failing {@code errorsPerScrape} of each scrape's requests. */
    private static void failing(String name, int errorsPerScrape) {
        Traffic traffic = new Traffic();
        traffic.errorsPerScrape = errorsPerScrape;
        TRAFFIC.put(name, traffic);
    }

    private static void burn(String name, int errorsPerScrape) {
        TRAFFIC.get(name).errorsPerScrape = errorsPerScrape;
    }

    private static List<JsonNode> mitigationsOf(String name) {
        return MITIGATIONS.stream().filter(request -> request.path("service").asText().equals(name)).toList();
    }

    // ---- Quench's API, as a user reads it

    /** The runs of the runbook started by an alert whose service label is {@code name}, with their steps. */
    private static List<JsonNode> runsOf(String name) throws Exception {
        Map<Long, String> services = new java.util.HashMap<>();
        for (JsonNode alert : getJson("/api/v1/alerts?limit=500").path("alerts")) {
            services.put(alert.path("id").asLong(), alert.path("alert").path("labels").path("service").asText());
        }
        List<JsonNode> runs = new ArrayList<>();
        for (JsonNode run : getJson("/api/v1/runs?runbook=" + RUNBOOK_NAME).path("runs")) {
            if (run.path("alertId").isNumber() && name.equals(services.get(run.path("alertId").asLong()))) {
                runs.add(getJson("/api/v1/runs/" + run.path("id").asText()));
            }
        }
        return runs;
    }

    private static JsonNode awaitRun(String name, Predicate<JsonNode> wanted) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        List<JsonNode> runs = List.of();
        while (Instant.now().isBefore(deadline)) {
            runs = runsOf(name);
            for (JsonNode run : runs) {
                if (wanted.test(run)) {
                    return run;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no such run for " + name + " within " + WAIT + "; runs: " + runs
                + "\nmitigations: " + MITIGATIONS + "\nPrometheus alerts: " + prometheus.series("ALERTS")
                + "\nburn rates: " + prometheus.series("slo:burn_rate5m") + "\nalertmanager log:\n" + alertmanager.log());
    }

    private static List<JsonNode> decisions(String runId) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        getJson("/api/v1/runs/" + runId + "/decisions").path("decisions").forEach(all::add);
        return all;
    }

    private static Matcher decisionOf(String runId, String action) throws Exception {
        List<JsonNode> all = decisions(runId);
        String reason = all.stream().filter(decision -> decision.path("action").asText().equals(action))
                .map(decision -> decision.path("reason").asText()).findFirst()
                .orElseThrow(() -> new AssertionError("no " + action + " decision on run " + runId + ": " + all));
        Matcher matcher = BURN_DECISION.matcher(reason);
        assertThat(matcher.matches()).as(reason).isTrue();
        return matcher;
    }

    private static List<org.assertj.core.groups.Tuple> steps(JsonNode run) {
        List<org.assertj.core.groups.Tuple> steps = new ArrayList<>();
        run.path("steps").forEach(step -> steps.add(tuple(step.path("stepId").asText(), step.path("phase").asText(),
                step.path("status").asText())));
        return steps;
    }

    private static JsonNode awaitResolvedIncident(String name) throws Exception {
        JsonNode answer = awaitJson("/api/v1/incidents?runbook=" + RUNBOOK_NAME, incidents -> StreamSupport.stream(
                incidents.path("incidents").spliterator(), false).anyMatch(incident ->
                incident.path("groupKey").asText().contains(name) && incident.path("resolvedAt").isTextual()));
        return StreamSupport.stream(answer.path("incidents").spliterator(), false)
                .filter(incident -> incident.path("groupKey").asText().contains(name)).findFirst().orElseThrow();
    }

    private static String export(JsonNode incident, String format) throws Exception {
        HttpResponse<String> answer = send("GET", "/api/v1/incidents/" + incident.path("id").asText()
                + "/export?format=" + format, quench.apiToken().value(), null);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return answer.body();
    }

    private static List<JsonNode> events(JsonNode draft, String kind) {
        return StreamSupport.stream(draft.path("timeline").spliterator(), false)
                .filter(event -> event.path("kind").asText().equals(kind)).toList();
    }

    private static List<String> kinds(JsonNode draft) {
        return StreamSupport.stream(draft.path("timeline").spliterator(), false)
                .map(event -> event.path("kind").asText()).toList();
    }

    private static JsonNode awaitJson(String path, Predicate<JsonNode> wanted) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        JsonNode answer = null;
        while (Instant.now().isBefore(deadline)) {
            answer = getJson(path);
            if (wanted.test(answer)) {
                return answer;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("GET " + path + " did not answer what was wanted within " + WAIT + ": " + answer
                + "\nPrometheus alerts: " + prometheus.series("ALERTS") + "\nalertmanager log:\n" + alertmanager.log());
    }

    private static JsonNode getJson(String path) throws Exception {
        HttpResponse<String> answer = send("GET", path, quench.apiToken().value(), null);
        if (answer.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return Json.json().readTree(answer.body());
    }

    private static HttpResponse<String> send(String method, String path, String token, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + quench.port() + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10));
        if (json == null) {
            request.GET();
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** As the postmortem's markdown writes a name: a code span. */
    private static String code(String text) {
        return "` " + text + " `";
    }

    /** As the postmortem's markdown writes a message: every ASCII punctuation character backslash-escaped. */
    private static String markdownEscaped(String text) {
        return text.replaceAll("([!-/:-@\\[-`{-~])", "\\\\$1");
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
