package dev.quench.core.guard;

import dev.quench.api.Cancellation;
import dev.quench.api.RecordingOutput;
import dev.quench.api.RunResources;
import dev.quench.api.StepContext;
import dev.quench.api.StepOutput;
import dev.quench.api.StepPlugin;
import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;
import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.plugin.StepConfigMapper;
import dev.quench.core.runbook.ErrorBudgetParser;
import dev.quench.core.runbook.ErrorBudgetSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads error budgets through the registered {@code prometheus.query} step type (the prometheus plugin, with
 * its {@code prometheus.url} and credentials), so the core needs no PromQL client of its own. One query takes
 * at most {@link #TIMEOUT}; a value is reused for {@link #REUSE} per query text, so an alert storm asks
 * Prometheus once, not once per alert (a burn rate does not change within seconds). Thread-safe.
 */
public final class PrometheusBudgetReader implements BudgetReader {

    /** The step id a guard's query runs under (runbook tests give the reading a canned result by this id). */
    public static final String STEP_ID = "errorBudget";
    /** The longest a guard waits for Prometheus; admission holds a store connection meanwhile. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** How long a reading is reused for the same query. */
    static final Duration REUSE = Duration.ofSeconds(10);
    private static final int MAX_REUSED = 1000;

    private record Reused(BudgetReading reading, Instant at) {
    }

    private final PluginRegistry plugins;
    private final Clock clock;
    private final Map<String, Reused> recent = new ConcurrentHashMap<>();

    public PrometheusBudgetReader(PluginRegistry plugins, Clock clock) {
        this.plugins = Objects.requireNonNull(plugins, "plugins");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public BudgetReading read(String query, boolean above) {
        Instant now = clock.instant();
        String key = (above ? "above " : "below ") + query;
        Reused reused = recent.get(key);
        if (reused != null && reused.at().plus(REUSE).isAfter(now)) {
            return reused.reading();
        }
        BudgetReading reading = query(query, above);
        if (recent.size() >= MAX_REUSED) {
            recent.clear();
        }
        recent.put(key, new Reused(reading, now));
        return reading;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private BudgetReading query(String query, boolean above) {
        StepPlugin plugin = plugins.plugin(ErrorBudgetSpec.STEP_TYPE).orElse(null);
        if (plugin == null) {
            return new BudgetReading.Unreadable(ErrorBudgetParser.missingStepType());
        }
        StepResult result;
        try (Resources resources = new Resources()) {
            Record config = StepConfigMapper.map(Map.of("query", query), plugin.configType());
            result = plugin.execute(new GuardStepContext(TIMEOUT, clock.instant().plus(TIMEOUT),
                    new RecordingOutput(4096), resources), config);
        } catch (Exception e) {
            return new BudgetReading.Unreadable(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        if (result.status() != StepStatus.SUCCEEDED) {
            return new BudgetReading.Unreadable(result.message().isBlank() ? "the query failed" : result.message());
        }
        Object series = result.outputs().get("series");
        if (!(series instanceof Number count) || count.intValue() == 0
                || !(result.outputs().get("result") instanceof List<?> samples)) {
            return new BudgetReading.Unreadable("the query returned no series (is the recording rule loaded, and does "
                    + "the selector match?)");
        }
        Double worst = null;
        for (Object sample : samples) {
            Object value = sample instanceof Map<?, ?> fields ? fields.get("value") : null;
            double number = value instanceof Number given ? given.doubleValue() : parse(String.valueOf(value));
            if (Double.isNaN(number)) {
                return new BudgetReading.Unreadable("the query returned NaN (no traffic in the window?)");
            }
            worst = worst == null ? number : above ? Math.max(worst, number) : Math.min(worst, number);
        }
        return worst == null ? new BudgetReading.Unreadable("the query returned no series")
                : new BudgetReading.Value(worst, count.intValue());
    }

    private static double parse(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.NaN;
        };
    }

    /** The context of a guard's query: no run, never cancelled (its timeout bounds it). */
    private record GuardStepContext(Duration timeout, Instant deadline, StepOutput output, RunResources resources)
            implements StepContext {

        @Override
        public String runId() {
            return "";
        }

        @Override
        public String runbook() {
            return "";
        }

        @Override
        public String stepId() {
            return STEP_ID;
        }

        @Override
        public boolean dryRun() {
            return false;
        }

        @Override
        public Cancellation cancellation() {
            return NEVER;
        }
    }

    private static final Cancellation NEVER = new Cancellation() {
        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public String reason() {
            return "";
        }

        @Override
        public void onCancel(Runnable action) {
            // Never cancelled: the query's own timeout ends it.
        }
    };

    /** Resources a plugin opens for the one query, closed after it. */
    private static final class Resources implements RunResources, AutoCloseable {
        private final Map<String, AutoCloseable> opened = new ConcurrentHashMap<>();

        @Override
        public <T extends AutoCloseable> T computeIfAbsent(String key, Class<T> type, Callable<T> factory)
                throws Exception {
            AutoCloseable existing = opened.get(key);
            if (existing != null) {
                return type.cast(existing);
            }
            T created = factory.call();
            opened.put(key, created);
            return created;
        }

        @Override
        public void close() {
            for (AutoCloseable resource : opened.values()) {
                try {
                    resource.close();
                } catch (Exception ignored) {
                    // A resource of a finished query that fails to close holds nothing the guard needs.
                }
            }
        }
    }
}
