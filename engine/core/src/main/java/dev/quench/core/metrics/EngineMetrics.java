package dev.quench.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The one door through which the engine reports what happens, onto a Micrometer registry that
 * {@code GET /metrics} renders in Prometheus's text format. Names follow Prometheus conventions
 * ({@code quench_runs_total}, {@code quench_run_duration_seconds}); every label fed by a name (runbook,
 * team, alert name, source) keeps its first {@link MetricsSettings#maxLabelValues()} values and reports the
 * rest as {@code other}, and hosts and fingerprints are never labels. Recording is cheap (a map look-up
 * and an atomic add) so it can sit on the ingest path. Thread-safe.
 */
public final class EngineMetrics implements AutoCloseable {

    /** The outcomes of {@code quench_alerts_received_total}. */
    public enum Outcome { NEW, DUPLICATE, REJECTED, REFUSED;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final Duration[] RUN_BUCKETS = seconds(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600);
    private static final Duration[] STEP_BUCKETS = seconds(0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 300, 900);
    private static final Duration[] LATENESS_BUCKETS = seconds(0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300);

    private final MeterRegistry registry;
    private final Optional<PrometheusMeterRegistry> prometheus;
    private final List<AutoCloseable> binders;
    private final BoundedLabel runbooks;
    private final BoundedLabel teams;
    private final BoundedLabel alertnames;
    private final BoundedLabel sources;
    private final BoundedLabel stepTypes;
    private final Map<String, Counter[]> received = new ConcurrentHashMap<>();
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
    private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter> manualToil = new ConcurrentHashMap<>();
    private final Counter misfires;
    private final Timer scheduleLateness;

    private EngineMetrics(MeterRegistry registry, Optional<PrometheusMeterRegistry> prometheus,
                          List<AutoCloseable> binders, int maxLabelValues) {
        this.registry = registry;
        this.prometheus = prometheus;
        this.binders = binders;
        this.runbooks = new BoundedLabel(maxLabelValues);
        this.teams = new BoundedLabel(maxLabelValues);
        this.alertnames = new BoundedLabel(maxLabelValues);
        this.sources = new BoundedLabel(maxLabelValues);
        this.stepTypes = new BoundedLabel(maxLabelValues);
        this.misfires = counter("quench.schedule.misfires", "Schedule fires missed because the engine was stopped "
                + "or busy (the misfire policy then ran them once late or skipped them)");
        this.scheduleLateness = timer("quench.schedule.lateness", "How late scheduled runs were queued after their "
                + "fire time", LATENESS_BUCKETS);
    }

    /** Metrics for {@code GET /metrics}: a Prometheus registry with the JVM's and the process's meters bound. */
    public static EngineMetrics prometheus(MetricsSettings settings) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Names promtool check metrics rejects (an abbreviated unit; a gauge ending in _count); kept out.
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")
                || id.getName().equals("system.cpu.count")));
        JvmGcMetrics gc = new JvmGcMetrics();
        List<MeterBinder> bound = List.of(new JvmMemoryMetrics(), gc, new JvmThreadMetrics(), new ClassLoaderMetrics(),
                new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics());
        bound.forEach(binder -> binder.bindTo(registry));
        return new EngineMetrics(registry, Optional.of(registry), List.of(gc), settings.maxLabelValues());
    }

    /**
     * Metrics that go nowhere (a registry with no backend): for running a runbook in the command line,
     * where nobody scrapes, and for tests of parts that report.
     */
    public static EngineMetrics discarding() {
        return new EngineMetrics(new CompositeMeterRegistry(), Optional.empty(), List.of(),
                MetricsSettings.DEFAULTS.maxLabelValues());
    }

    /** The registry, for binders of other libraries (Vert.x's HTTP server meters). */
    public MeterRegistry registry() {
        return registry;
    }

    /** The meters in Prometheus's text format (version 0.0.4); empty for {@link #discarding()}. */
    public String scrape() {
        return prometheus.map(PrometheusMeterRegistry::scrape).orElse("");
    }

    /** Alerts of one delivery from {@code source} and what became of them ({@code quench_alerts_received_total}). */
    public void alertsReceived(String source, Outcome outcome, long count) {
        if (count <= 0) {
            return;
        }
        Counter[] bySource = received.computeIfAbsent(sources.of(source), label -> {
            Counter[] made = new Counter[Outcome.values().length];
            for (Outcome each : Outcome.values()) {
                made[each.ordinal()] = Counter.builder("quench.alerts.received")
                        .description("Alerts received by webhook source and outcome (new, duplicate, rejected: "
                                + "deliveries that could not be read, refused: alerts refused with 503 while full)")
                        .tags("source", label, "outcome", each.label()).register(registry);
            }
            return made;
        });
        bySource[outcome.ordinal()].increment(count);
    }

    /** The total of {@code quench_alerts_received_total} for {@code outcome} over all sources. */
    public long alertsReceived(Outcome outcome) {
        return (long) registry.find("quench.alerts.received").tag("outcome", outcome.label()).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /** The {@code verify} label of a run whose verify steps did not all run (none written, a step failed, cancelled). */
    public static final String VERIFY_NONE = "none";
    /** The {@code verify} label of a run whose verify steps all passed. */
    public static final String VERIFY_RECOVERED = "recovered";
    /** The {@code verify} label of a run failed as not recovered: a verify step did not pass by its deadline. */
    public static final String VERIFY_NOT_RECOVERED = "not_recovered";

    /** A run that ended without verify steps having run, as {@link #runFinished(String, String, String, String, Optional)}. */
    public void runFinished(String runbook, String trigger, String status, Optional<Duration> duration) {
        runFinished(runbook, trigger, status, VERIFY_NONE, duration);
    }

    /**
     * A run that ended ({@code quench_runs_total}, and for runs that executed
     * {@code quench_run_duration_seconds}); {@code duration} is empty for runs that never ran (refused).
     * {@code verify} is {@link #VERIFY_RECOVERED}, {@link #VERIFY_NOT_RECOVERED} or {@link #VERIFY_NONE}: a not
     * recovered run is also {@code status="failed"}, so failure alerts count it.
     */
    public void runFinished(String runbook, String trigger, String status, String verify, Optional<Duration> duration) {
        String name = runbooks.of(runbook);
        counter("quench.runs", "Runs that ended, by runbook, trigger (alert, schedule, manual), status and verify "
                        + "(recovered, not_recovered, none)",
                "runbook", name, "trigger", trigger, "status", status, "verify", verify).increment();
        duration.ifPresent(taken -> timer("quench.run.duration", "How long runs took, from start to end",
                RUN_BUCKETS, "runbook", name).record(taken));
    }

    /** One step (or one forEach iteration) that ended ({@code quench_step_duration_seconds}). */
    public void stepFinished(String type, String status, Duration duration) {
        timer("quench.step.duration", "How long steps took, by step type and status", STEP_BUCKETS,
                "type", stepTypes.of(type), "status", status).record(duration);
    }

    /** A run a guard refused ({@code quench_guard_refusals_total}; {@code guard} is a fixed name such as cooldown). */
    public void guardRefused(String runbook, String guard) {
        counter("quench.guard.refusals", "Runs refused by a guard (cooldown, maxRunsPerHour, dedupeKey, queue)",
                "runbook", runbooks.of(runbook), "guard", guard).increment();
    }

    /** A schedule fire that became a run this late after its time ({@code quench_schedule_lateness_seconds}). */
    public void scheduleFired(Duration lateness) {
        scheduleLateness.record(lateness.isNegative() ? Duration.ZERO : lateness);
    }

    /**
     * A schedule fire missed while the engine was down or busy ({@code quench_schedule_misfires_total}).
     * One series, there from the start at 0: Prometheus's {@code increase()} then counts the first misfire
     * too (a series born at 1 would hide it); the runbooks are in the schedule log ({@code quench schedules}).
     */
    public void scheduleMisfired() {
        misfires.increment();
    }

    /**
     * Minutes a run saved, counted in seconds ({@code quench_toil_saved_seconds_total}): Prometheus's base
     * unit, which {@code promtool check metrics} insists on; dashboards divide by 3600 for hours.
     */
    public void toilSaved(String runbook, String team, long minutes) {
        if (minutes > 0) {
            counter("quench.toil.saved.seconds", "Engineer time saved by runs that succeeded without a human",
                    "runbook", runbooks.of(runbook), "team", teams.of(team)).increment(minutes * 60.0);
        }
    }

    /** Minutes a firing alert no runbook matched costs by hand, in seconds ({@code quench_manual_toil_seconds_total}). */
    public void manualToil(String alertname, long minutes) {
        if (minutes > 0) {
            // On the ingest path (once per new unmatched alert): one map look-up per call, no key built.
            manualToil.computeIfAbsent(alertnames.of(alertname), label -> Counter.builder("quench.manual.toil.seconds")
                    .description("Engineer time of firing alerts no runbook handled, by alertname (the first names "
                            + "seen; later ones as other)")
                    .tags("alertname", label).register(registry)).increment(minutes * 60.0);
        }
    }

    /**
     * A counter that is not one of the named ones (the intake's internals): registered once, then
     * returned as it is. {@code name} is dotted ({@code quench.ingest.commits}); labels are fixed values.
     */
    public Counter counter(String name, String description, String... tags) {
        List<String> key = key(name, tags);
        Counter counter = counters.get(key);
        if (counter != null) {
            return counter;
        }
        return counters.computeIfAbsent(key, ignored -> Counter.builder(name).description(description).tags(tags)
                .register(registry));
    }

    /** A gauge read when scraped: {@code value} must be cheap and must not block long (it runs per scrape). */
    public void gauge(String name, String description, Supplier<Number> value, String... tags) {
        Gauge.builder(name, value).description(description).tags(Tags.of(tags)).strongReference(true)
                .register(registry);
    }

    private Timer timer(String name, String description, Duration[] buckets, String... tags) {
        List<String> key = key(name, tags);
        Timer timer = timers.get(key);
        if (timer != null) {
            return timer;
        }
        return timers.computeIfAbsent(key, ignored -> Timer.builder(name).description(description).tags(tags)
                .serviceLevelObjectives(buckets).register(registry));
    }

    private static List<String> key(String name, String... tags) {
        String[] key = new String[tags.length + 1];
        key[0] = name;
        System.arraycopy(tags, 0, key, 1, tags.length);
        return List.of(key);
    }

    private static Duration[] seconds(double... values) {
        Duration[] durations = new Duration[values.length];
        for (int index = 0; index < values.length; index++) {
            durations[index] = Duration.ofNanos(Math.round(values[index] * 1_000_000_000L));
        }
        return durations;
    }

    @Override
    public void close() {
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            } catch (Exception ignored) {
                // Unhooking the GC listener at stop: nothing is left to report it to.
            }
        }
        registry.close();
    }

    @Override
    public String toString() {
        return "EngineMetrics[" + (prometheus.isPresent() ? "prometheus" : "discarding") + "]";
    }
}
