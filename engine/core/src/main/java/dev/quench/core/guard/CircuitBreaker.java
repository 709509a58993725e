package dev.quench.core.guard;

import dev.quench.core.metrics.EngineMetrics;
import dev.quench.core.runbook.BreakerSpec;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.store.BreakerRepository;
import dev.quench.core.store.BreakerRepository.BreakerRecord;
import dev.quench.core.store.BreakerRepository.FailedRun;
import dev.quench.core.store.GuardRepository;
import dev.quench.core.store.StoreTransaction;
import dev.quench.core.util.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit breakers of runbooks ({@code guards.breaker}): automation's own budget. A breaker trips when
 * {@code failures} runs of its runbook ended {@code failed} within {@code within} (counting from its last
 * reset); while tripped, new runs are refused saying which runs failed. It closes when an operator resets
 * it or {@code coolOff} has passed since the failure that tripped it. The state is a row in the store,
 * written while the runbook's {@code guard_lock} row is locked, so it survives restarts and engines
 * sharing one PostgreSQL see one breaker. Tripping is announced once: a warning in the log and the gauge
 * {@code quench_breaker_tripped{runbook}} going to 1 (the shipped rule QuenchBreakerTripped pages on it).
 * Thread-safe.
 */
public final class CircuitBreaker {

    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreaker.class);

    /** Who closes a breaker whose cool-off passed. */
    public static final String COOL_OFF = "cool-off";

    /**
     * A breaker as the API shows it.
     *
     * @param runbook         the runbook
     * @param tripped         whether new runs are refused now
     * @param trippedAt       when it tripped (while tripped)
     * @param reason          why it tripped (while tripped)
     * @param closesAt        when its cool-off ends (while tripped)
     * @param recentFailures  failed runs counted now (since the window start or the last reset)
     * @param spec            the runbook's {@code guards.breaker}
     * @param lastResetBy     who closed it last ({@code cool-off} or a token's name); empty if never
     * @param lastResetAt     when
     */
    public record State(String runbook, boolean tripped, Optional<Instant> trippedAt, String reason,
                        Optional<Instant> closesAt, int recentFailures, BreakerSpec spec, String lastResetBy,
                        Optional<Instant> lastResetAt) {
    }

    private final GuardRepository guards;
    private final BreakerRepository breakers;
    private final Clock clock;
    private final EngineMetrics metrics;
    /** 1 for a runbook this engine last saw tripped, else 0: the value of its gauge. */
    private final Map<String, Integer> seenTripped = new ConcurrentHashMap<>();

    CircuitBreaker(GuardRepository guards, Clock clock, EngineMetrics metrics) {
        this.guards = Objects.requireNonNull(guards, "guards");
        this.breakers = guards.breakers();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * Checks the breaker of {@code runbook} for a new run, inside {@code transaction}, which holds the
     * runbook's {@code guard_lock} row. Trips it when enough runs failed, and closes it when its cool-off
     * has passed.
     *
     * @return why the run is refused, or empty when the breaker lets it through
     */
    Optional<String> admit(StoreTransaction transaction, Runbook runbook, Instant now) {
        Optional<BreakerSpec> configured = runbook.guards().breaker();
        if (configured.isEmpty()) {
            return Optional.empty();
        }
        BreakerSpec spec = configured.get();
        String name = runbook.name();
        BreakerRecord stored = breakers.find(transaction, name);
        if (stored.trippedAt().isPresent()) {
            Instant closesAt = stored.trippedAt().get().plus(spec.coolOff());
            if (now.isBefore(closesAt)) {
                seen(name, true);
                return Optional.of(refusal(name, stored.trippedAt().get(), stored.tripReason(), closesAt));
            }
            breakers.reset(transaction, name, closesAt, COOL_OFF, now);
            LOG.info("breaker of runbook {} closed: its cool-off of {} passed at {}", name,
                    Durations.format(spec.coolOff()), closesAt);
            seen(name, false);
            stored = breakers.find(transaction, name);
        }
        List<FailedRun> failures = breakers.failuresSince(transaction, name, countFrom(stored, spec, now),
                spec.failures());
        if (failures.size() < spec.failures()) {
            seen(name, false);
            return Optional.empty();
        }
        // It tripped when the newest of the counted failures ended, whenever a run next asks.
        Instant trippedAt = failures.getFirst().finishedAt();
        Instant closesAt = trippedAt.plus(spec.coolOff());
        String reason = tripReason(name, spec, failures);
        if (!now.isBefore(closesAt)) {
            // Tripped and cooled off while no run asked: nothing to refuse, nobody to tell.
            breakers.reset(transaction, name, closesAt, COOL_OFF, now);
            LOG.info("breaker of runbook {} tripped at {} ({}) and its cool-off passed before another run asked",
                    name, trippedAt, reason);
            return Optional.empty();
        }
        breakers.trip(transaction, name, trippedAt, reason);
        seen(name, true);
        LOG.warn("breaker of runbook {} TRIPPED: {}; new runs are refused until {} or an operator resets it "
                + "(quench breaker reset {})", name, reason, closesAt.truncatedTo(ChronoUnit.SECONDS), name);
        return Optional.of(refusal(name, trippedAt, reason, closesAt));
    }

    /** The breaker of {@code runbook} now, or empty when it has none. Reads the store; changes nothing. */
    public Optional<State> state(Runbook runbook) {
        Optional<BreakerSpec> configured = runbook.guards().breaker();
        if (configured.isEmpty()) {
            return Optional.empty();
        }
        BreakerSpec spec = configured.get();
        Instant now = clock.instant();
        BreakerRecord stored = breakers.find(runbook.name());
        if (stored.trippedAt().isPresent()) {
            Instant closesAt = stored.trippedAt().get().plus(spec.coolOff());
            if (now.isBefore(closesAt)) {
                seen(runbook.name(), true);
                return Optional.of(new State(runbook.name(), true, stored.trippedAt(), stored.tripReason(),
                        Optional.of(closesAt), spec.failures(), spec, stored.resetBy(), stored.resetAt()));
            }
            stored = new BreakerRecord(runbook.name(), Optional.empty(), "", Optional.of(closesAt), COOL_OFF,
                    Optional.of(closesAt));
        }
        List<FailedRun> failures = breakers.failuresSince(runbook.name(), countFrom(stored, spec, now), spec.failures());
        if (failures.size() >= spec.failures()) {
            // The next run trips it (that is when it is recorded and announced); show it as it will be.
            Instant trippedAt = failures.getFirst().finishedAt();
            Instant closesAt = trippedAt.plus(spec.coolOff());
            if (now.isBefore(closesAt)) {
                return Optional.of(new State(runbook.name(), true, Optional.of(trippedAt),
                        tripReason(runbook.name(), spec, failures), Optional.of(closesAt), failures.size(), spec,
                        stored.resetBy(), stored.resetAt()));
            }
            failures = List.of();
        }
        seen(runbook.name(), false);
        return Optional.of(new State(runbook.name(), false, Optional.empty(), "", Optional.empty(), failures.size(),
                spec, stored.resetBy(), stored.resetAt()));
    }

    /**
     * Closes the breaker of {@code runbook} for {@code who}: failures before now no longer count.
     *
     * @return the breaker afterwards, or empty when the runbook has no breaker
     */
    public Optional<State> reset(Runbook runbook, String who) {
        if (runbook.guards().breaker().isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        guards.ensureLockRow(runbook.name(), now);
        BreakerRecord before = breakers.resetLocked(runbook.name(), now, who, now);
        LOG.info("breaker of runbook {} reset by {}{}", runbook.name(), who,
                before.trippedAt().isPresent() ? " (it had tripped: " + before.tripReason() + ")" : " (it was closed)");
        seen(runbook.name(), false);
        return state(runbook);
    }

    private static Instant countFrom(BreakerRecord stored, BreakerSpec spec, Instant now) {
        Instant windowStart = now.minus(spec.within());
        return stored.countedSince().filter(since -> since.isAfter(windowStart)).orElse(windowStart);
    }

    private static String tripReason(String runbook, BreakerSpec spec, List<FailedRun> failures) {
        String last = failures.getFirst().message();
        if (last.length() > 200) {
            last = last.substring(0, 200) + "…";
        }
        return failures.size() + " failed run(s) of " + runbook + " within " + Durations.format(spec.within())
                + " (breaker failures: " + spec.failures() + "): "
                + failures.stream().map(FailedRun::id).collect(Collectors.joining(", "))
                + (last.isEmpty() ? "" : "; the last failed: " + last);
    }

    private static String refusal(String runbook, Instant trippedAt, String reason, Instant closesAt) {
        return "breaker tripped at " + trippedAt.truncatedTo(ChronoUnit.SECONDS) + ": " + reason
                + ". New runs are refused until " + closesAt.truncatedTo(ChronoUnit.SECONDS)
                + " (coolOff) or an operator resets it: quench breaker reset " + runbook;
    }

    private void seen(String runbook, boolean tripped) {
        Integer before = seenTripped.put(runbook, tripped ? 1 : 0);
        if (before == null) {
            metrics.gauge("quench.breaker.tripped", "1 while the runbook's circuit breaker (guards.breaker) refuses "
                    + "new runs, as this engine last saw it", () -> seenTripped.getOrDefault(runbook, 0),
                    "runbook", runbook);
        }
    }
}
