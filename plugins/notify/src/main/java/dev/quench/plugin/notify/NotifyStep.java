package dev.quench.plugin.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quench.api.PluginEnvironment;
import dev.quench.api.RetryAdvice;
import dev.quench.api.StepContext;
import dev.quench.api.StepFailedException;
import dev.quench.api.StepPlugin;
import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code notify} step, so that a runbook can escalate: posts {@code {"text": ...}} to a Slack-compatible
 * incoming webhook, or sends a PagerDuty Events v2 {@code trigger} or {@code resolve} with the routing key
 * read from a file or an environment variable (never from the runbook, never logged). It sends once and
 * reports a 429, a 5xx or a refused connection as retryable, so the step's {@code retry:} tries again (a lost
 * page is worse than a late one: give notify steps a retry). Thread-safe.
 */
public final class NotifyStep implements StepPlugin<NotifyConfig> {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final int ANSWER_CHARS = 300;
    /** Thread-safe once configured; used only to write the request bodies and read PagerDuty's answer. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Function<String, String> environment;
    private volatile boolean started;
    private volatile NotifySettings settings = NotifySettings.defaults();
    /** Made at the first message, not at start: an HTTP client sets up TLS, a tenth of a second of start-up. */
    private HttpClient client;

    public NotifyStep() {
        this(System::getenv);
    }

    /** For tests: environment variables from {@code environment} instead of the process's. */
    NotifyStep(Function<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public String type() {
        return "notify";
    }

    @Override
    public Class<NotifyConfig> configType() {
        return NotifyConfig.class;
    }

    @Override
    public void start(PluginEnvironment pluginEnvironment) {
        settings = pluginEnvironment.settings("notify", NotifySettings.class).orElseGet(NotifySettings::defaults);
        started = true;
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
        }
        return client;
    }

    @Override
    public StepResult execute(StepContext context, NotifyConfig config) throws StepFailedException {
        return config.slack() != null ? slack(context, config) : pagerDuty(context, config);
    }

    private StepResult slack(StepContext context, NotifyConfig config) throws StepFailedException {
        URI webhook = URI.create(config.slack());
        // The webhook's path is its secret: messages name the host only.
        String where = "Slack webhook " + webhook.getScheme() + "://" + webhook.getAuthority() + "/…";
        if (context.dryRun()) {
            context.output().info("dry run: would post to " + where + ": " + config.text());
            return StepResult.succeeded("");
        }
        Answer answer = post(context, webhook, json(Map.of("text", config.text())), where);
        if (answer.status() / 100 != 2) {
            throw new StepFailedException(where + " answered HTTP " + answer.status() + ": " + answer.body()
                    + ". The message was not posted; check that the webhook URL is current (revoked webhooks answer"
                    + " 404 or 410).", null, retryAdvice(answer.status()));
        }
        context.output().info("posted to " + where);
        return StepResult.succeeded("posted to " + where + "\n");
    }

    private StepResult pagerDuty(StepContext context, NotifyConfig config) throws StepFailedException {
        String eventsUrl = config.eventsUrl() != null ? config.eventsUrl() : settings.pagerdutyEventsUrl();
        String where = "PagerDuty Events v2 (" + eventsUrl + ")";
        String routingKey = routingKey(config);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("routing_key", routingKey);
        event.put("event_action", config.pagerduty());
        if (config.dedupKey() != null && !config.dedupKey().isBlank()) {
            event.put("dedup_key", config.dedupKey());
        }
        if (config.pagerduty().equals("trigger")) {
            event.put("payload", Map.of("summary", config.summary(), "source", config.sourceOrDefault(),
                    "severity", config.severityOrDefault()));
            event.put("client", "Quench");
        }
        String action = config.pagerduty() + (config.summary() == null ? "" : " \"" + config.summary() + "\"")
                + (config.dedupKey() == null ? "" : " (dedup key " + config.dedupKey() + ")");
        if (context.dryRun()) {
            context.output().info("dry run: would send " + action + " to " + where);
            return StepResult.succeeded("");
        }
        Answer answer = post(context, URI.create(eventsUrl), json(event), where);
        if (answer.status() != 202 && answer.status() / 100 != 2) {
            String hint = answer.status() == 400 ? "PagerDuty rejected the event: check the routing key (an Events "
                    + "v2 integration key) and the fields" : "the event was not accepted";
            throw new StepFailedException(where + " answered HTTP " + answer.status() + " to " + action + ": "
                    + answer.body() + ". " + hint + ".", null, retryAdvice(answer.status()));
        }
        String dedupKey = answeredDedupKey(answer.fullBody()).orElse(config.dedupKey() == null ? ""
                : config.dedupKey());
        String sent = "sent " + action + " to " + where + "; dedup key " + dedupKey;
        context.output().info(sent);
        return new StepResult(StepStatus.SUCCEEDED, null, sent + "\n", "", Map.of("dedupKey", dedupKey), "");
    }

    private String routingKey(NotifyConfig config) throws StepFailedException {
        if (config.routingKeyFile() != null && !config.routingKeyFile().isBlank()) {
            Path file = Path.of(config.routingKeyFile().strip());
            try {
                String key = Files.readString(file).strip();
                if (!key.isEmpty()) {
                    return key;
                }
                throw new StepFailedException("routingKeyFile " + file + " is empty: put the PagerDuty Events v2 "
                        + "integration key in it. Nobody was paged.");
            } catch (IOException e) {
                throw new StepFailedException("routingKeyFile " + file + " cannot be read (" + e
                        + "): it must be readable by the user Quench runs as. Nobody was paged.", e);
            }
        }
        String name = config.routingKeyEnv().strip();
        String key = environment.apply(name);
        if (key == null || key.isBlank()) {
            throw new StepFailedException("environment variable " + name + " (routingKeyEnv) is not set for Quench: "
                    + "set it in the service's environment (systemd: Environment= or EnvironmentFile=). "
                    + "Nobody was paged.");
        }
        return key.strip();
    }

    private Answer post(StepContext context, URI uri, String json, String where) throws StepFailedException {
        if (!started) {
            throw new IllegalStateException("notify used before start(PluginEnvironment)");
        }
        Duration left = Duration.between(Instant.now(), context.deadline());
        HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .timeout(left.compareTo(REQUEST_TIMEOUT) < 0 && !left.isNegative() && !left.isZero() ? left
                        : REQUEST_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        try {
            HttpResponse<String> response = client().send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new StepFailedException("could not reach " + where + " (" + e + "). Nobody was notified; check the"
                    + " network path to it.", e, RetryAdvice.retryable());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailedException("stopped before " + where + " answered: " + context.cancellation()
                    .reason(), e);
        }
    }

    /** A 429 or a 5xx may pass, so the engine's retry: may try again; another refusal would come back the same. */
    private static RetryAdvice retryAdvice(int status) {
        return status == 429 || status / 100 == 5 ? RetryAdvice.retryable() : RetryAdvice.notRetryable();
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
        }
    }

    private static String json(Map<String, ?> fields) throws StepFailedException {
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            // Maps of strings always serialize; this would be a bug in this class, not in the runbook.
            throw new StepFailedException("notify could not write its JSON request (" + e.getMessage() + ")", e);
        }
    }

    /** PagerDuty's {@code dedup_key} from its answer, if the answer is JSON that has one. */
    private static Optional<String> answeredDedupKey(String body) {
        try {
            JsonNode dedupKey = JSON.readTree(body).path("dedup_key");
            return dedupKey.isTextual() ? Optional.of(dedupKey.asText()) : Optional.empty();
        } catch (JsonProcessingException ignored) {
            // An answer that is not JSON carries no key: the step falls back to the key it sent.
            return Optional.empty();
        }
    }

    /** An HTTP answer; {@link #body()} is what messages show, capped so an HTML error page cannot flood them. */
    private record Answer(int status, String fullBody) {
        String body() {
            return fullBody.length() > ANSWER_CHARS ? fullBody.substring(0, ANSWER_CHARS) + "…" : fullBody;
        }
    }
}
