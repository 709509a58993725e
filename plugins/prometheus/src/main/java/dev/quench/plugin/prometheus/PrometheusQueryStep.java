package dev.quench.plugin.prometheus;

import dev.quench.api.PluginEnvironment;
import dev.quench.api.RetryAdvice;
import dev.quench.api.StepContext;
import dev.quench.api.StepFailedException;
import dev.quench.api.StepPlugin;
import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code prometheus.query} step: an instant PromQL query, checked against an expectation, asked again every
 * {@code every} until it holds or {@code until} (at most the step's timeout) passes. A query Prometheus rejects
 * fails at once; an unreachable or failing Prometheus is asked again within {@code until}. Thread-safe once started.
 */
public final class PrometheusQueryStep implements StepPlugin<PrometheusQueryConfig> {

    /** Series kept in the {@code result} output and in messages. */
    static final int MAX_RESULT_SERIES = 20;
    private static final int MESSAGE_SERIES = 5;

    private volatile WebClient webClient;
    private volatile PrometheusClient client;
    private volatile PrometheusSettings settings = PrometheusSettings.absent();
    private final int maxResponseBytes;

    public PrometheusQueryStep() {
        this(PrometheusClient.MAX_RESPONSE_BYTES);
    }

    /** A step that reads answers up to {@code maxResponseBytes}, for tests of the limit. */
    PrometheusQueryStep(int maxResponseBytes) {
        this.maxResponseBytes = maxResponseBytes;
    }

    @Override
    public String type() {
        return "prometheus.query";
    }

    @Override
    public Class<PrometheusQueryConfig> configType() {
        return PrometheusQueryConfig.class;
    }

    @Override
    public void start(PluginEnvironment environment) throws IOException {
        Vertx vertx = environment.service(Vertx.class).orElseThrow(() -> new IllegalStateException(
                "prometheus.query needs the engine's shared Vert.x instance (PluginEnvironment.service(Vertx.class)),"
                        + " but the engine offered none. This is a bug in the engine or in the embedding code."));
        PrometheusSettings configured = environment.settings("prometheus", PrometheusSettings.class)
                .orElseGet(PrometheusSettings::absent);
        WebClient created = WebClient.create(vertx, new WebClientOptions().setUserAgent("Quench")
                .setFollowRedirects(false)
                .setConnectTimeout(Math.toIntExact(Math.min(Integer.MAX_VALUE, configured.timeout().toMillis()))));
        PrometheusClient prepared = new PrometheusClient(created, configured, maxResponseBytes);
        try {
            prepared.authorization(); // an unreadable secret file stops the engine at start, not at 3 a.m.
        } catch (IOException e) {
            created.close();
            throw new IOException("config section 'prometheus': " + e.getMessage()
                    .replace("no query was sent", "Quench does not start with it"), e);
        }
        settings = configured;
        webClient = created;
        client = prepared;
    }

    @Override
    public StepResult execute(StepContext context, PrometheusQueryConfig config) throws StepFailedException {
        PrometheusClient available = client;
        if (available == null) {
            throw new IllegalStateException("prometheus.query was not started: the engine must call start() first");
        }
        if (settings.url() == null) {
            throw new StepFailedException("prometheus.query needs prometheus.url in quench.yaml (like prometheus: "
                    + "{url: http://prometheus:9090}), and it is not set; no query was sent. Set it and restart Quench.",
                    null, RetryAdvice.notRetryable());
        }
        String expectation = config.expect() == null ? "any answer" : config.expect().toString();
        Duration allowed = config.until() == null || config.until().compareTo(context.timeout()) > 0
                ? context.timeout() : config.until();
        context.output().info("query " + available.queryUrl() + ": " + config.query() + "\nexpect: " + expectation
                + (config.until() == null ? "" : " (every " + PrometheusClient.describe(config.everyOrDefault())
                + ", for up to " + PrometheusClient.describe(allowed) + ")"));
        if (context.dryRun()) {
            context.output().info("dry run: query not sent");
            return StepResult.succeeded("");
        }
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        context.cancellation().onCancel(() -> stopped.complete(null));
        Instant started = Instant.now();
        Instant end = earlier(started.plus(allowed), context.deadline());
        QueryAnswer last = null;
        for (int queries = 1; ; queries++) {
            Duration left = Duration.between(Instant.now(), end);
            if (left.isNegative() || left.isZero()) {
                left = Duration.ofMillis(1);
            }
            QueryAnswer answer;
            try {
                answer = available.query(config.query(), left, stopped);
            } catch (InterruptedException e) {
                return stoppedResult(context, queries, last);
            }
            // A query the deadline cut short says less than the answer before it (a deadline, not an outage).
            boolean cutShort = answer instanceof QueryAnswer.Unavailable && left.compareTo(settings.timeout()) < 0;
            if (!cutShort || last == null) {
                last = answer;
            }
            if (answer instanceof QueryAnswer.Rejected rejected) {
                return StepResult.failed(rejected.message() + " (query: " + config.query() + "). Quench did not "
                        + "retry: the same query would be rejected again; fix the runbook or quench.yaml.")
                        .withRetry(RetryAdvice.notRetryable());
            }
            if (answer instanceof QueryAnswer.Series series
                    && (config.expect() == null || config.expect().holds(series.samples()))) {
                String passed = "expectation " + expectation + " holds after " + count(queries, "query", "queries")
                        + " in " + PrometheusClient.describe(Duration.between(started, Instant.now())) + ": "
                        + summary(series.samples());
                context.output().info(passed);
                return new StepResult(StepStatus.SUCCEEDED, null, passed + "\n", "",
                        outputs(series.samples(), queries), "");
            }
            context.output().info("query " + queries + ": " + describeAnswer(answer));
            Instant next = Instant.now().plus(config.everyOrDefault());
            if (config.until() == null || !next.isBefore(end)) {
                return notMet(config, expectation, allowed, queries, last);
            }
            if (!sleepUntil(next, stopped)) {
                return stoppedResult(context, queries, last);
            }
        }
    }

    private StepResult notMet(PrometheusQueryConfig config, String expectation, Duration allowed, int queries,
                              QueryAnswer last) {
        String what = describeAnswer(last);
        boolean unavailable = last instanceof QueryAnswer.Unavailable;
        String message;
        if (config.until() == null) {
            message = (unavailable ? "could not query Prometheus: " + what : "expected " + expectation + ", but "
                    + what) + " (query: " + config.query() + "). Add until: to wait for it, or retry: on the step.";
        } else {
            message = (unavailable ? "Prometheus did not answer" : "expected " + expectation + ", which did not hold")
                    + " within " + PrometheusClient.describe(allowed) + " (" + count(queries, "query", "queries")
                    + ", every " + PrometheusClient.describe(config.everyOrDefault()) + "; last: " + what
                    + "; query: " + config.query() + "). Quench stopped asking and failed the step; check the "
                    + "service, or raise until: (and the step's timeout:) if it needs longer.";
        }
        StepResult failed = StepResult.failed(message)
                .withRetry(unavailable ? RetryAdvice.retryable() : RetryAdvice.UNSAID);
        return last instanceof QueryAnswer.Series series ? failed.withOutputs(outputs(series.samples(), queries))
                : failed;
    }

    private static StepResult stoppedResult(StepContext context, int queries, QueryAnswer last) {
        String reason = context.cancellation().reason();
        return StepResult.failed("stopped querying Prometheus after " + count(queries, "query", "queries") + ": "
                + (reason == null || reason.isBlank() ? "the step was interrupted" : reason)
                + (last == null ? "" : " (last: " + describeAnswer(last) + ")"));
    }

    private static Map<String, Object> outputs(List<Sample> samples, int queries) {
        Map<String, Object> outputs = new LinkedHashMap<>();
        if (!samples.isEmpty()) {
            outputs.put("value", samples.getFirst().outputValue());
        }
        outputs.put("series", samples.size());
        outputs.put("result", samples.stream().limit(MAX_RESULT_SERIES).map(Sample::output).toList());
        outputs.put("queries", queries);
        return outputs;
    }

    private static String describeAnswer(QueryAnswer answer) {
        return switch (answer) {
            case QueryAnswer.Series series -> "got " + summary(series.samples());
            case QueryAnswer.Rejected rejected -> rejected.message();
            case QueryAnswer.Unavailable unavailable -> unavailable.message();
        };
    }

    /** {@code 2 series: {job="a"} 1, {job="b"} NaN}: the measured values for messages. */
    static String summary(List<Sample> samples) {
        if (samples.isEmpty()) {
            return "an empty result (no series)";
        }
        StringBuilder text = new StringBuilder(count(samples.size(), "series", "series")).append(": ");
        for (int i = 0; i < Math.min(MESSAGE_SERIES, samples.size()); i++) {
            text.append(i == 0 ? "" : ", ").append(samples.get(i).describe());
        }
        if (samples.size() > MESSAGE_SERIES) {
            text.append(", … (").append(samples.size() - MESSAGE_SERIES).append(" more)");
        }
        return text.toString();
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** False when the step was cancelled or its thread interrupted first. */
    private static boolean sleepUntil(Instant until, CompletableFuture<Void> stopped) {
        long millis = Duration.between(Instant.now(), until).toMillis();
        if (millis <= 0) {
            return !stopped.isDone();
        }
        try {
            stopped.get(millis, TimeUnit.MILLISECONDS);
            return false;
        } catch (TimeoutException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return false;
        }
    }

    private static Instant earlier(Instant first, Instant second) {
        return first.isBefore(second) ? first : second;
    }

    @Override
    public void close() {
        WebClient open = webClient;
        webClient = null;
        client = null;
        if (open != null) {
            open.close();
        }
    }
}
