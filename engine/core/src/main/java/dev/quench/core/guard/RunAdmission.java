package dev.quench.core.guard;

import dev.quench.core.alert.Alert;
import dev.quench.core.expr.ExpressionException;
import dev.quench.core.metrics.EngineMetrics;
import dev.quench.core.runbook.ApprovalPolicy;
import dev.quench.core.runbook.ErrorBudgetSpec;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.RunbookGuards;
import dev.quench.core.store.GuardRepository;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StoreTransaction;
import dev.quench.core.util.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a newly queued run may start: its runbook's guards (cooldown per dedupe key,
 * runs per hour) and approval. Runs inside the transaction that queued the run, holding a lock on
 * the runbook's {@code guard_lock} row, so engines sharing one store admit runs one at a time per
 * runbook and never both pass a guard that has room for one. The outcome is recorded on the run:
 * refused (with the reason), awaiting_approval, or left queued. A run that would be queued while
 * the queue is full (per runbook or overall) is refused too, saying so: queued runs are rows, and
 * the bound keeps a storm from queueing hours of work. Thread-safe.
 */
public final class RunAdmission {

    private static final Logger LOG = LoggerFactory.getLogger(RunAdmission.class);

    private final GuardRepository guardStore;
    private final Clock clock;
    private final int maxQueuedRuns;
    private final int maxQueuedPerRunbook;
    private final EngineMetrics metrics;
    private final CircuitBreaker breaker;
    private final BudgetReader budgets;
    /** Runbooks whose guard_lock row is known to exist (rows are never deleted). */
    private final java.util.Set<String> lockRows = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Admission without a queue bound: for runs executed at once by the caller (a local run). */
    public RunAdmission(GuardRepository guardStore, Clock clock) {
        this(guardStore, clock, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /**
     * Admission with a queue bound.
     *
     * @param maxQueuedRuns       queued runs of all runbooks together ({@code executor.maxQueuedRuns})
     * @param maxQueuedPerRunbook queued runs of one runbook ({@code executor.maxQueuedPerRunbook})
     */
    public RunAdmission(GuardRepository guardStore, Clock clock, int maxQueuedRuns, int maxQueuedPerRunbook) {
        this(guardStore, clock, maxQueuedRuns, maxQueuedPerRunbook, EngineMetrics.discarding());
    }

    /** Admission with a queue bound that reports each refusal ({@code quench_guard_refusals_total}, {@code quench_runs_total}). */
    public RunAdmission(GuardRepository guardStore, Clock clock, int maxQueuedRuns, int maxQueuedPerRunbook,
                        EngineMetrics metrics) {
        this(guardStore, clock, maxQueuedRuns, maxQueuedPerRunbook, metrics, BudgetReader.NONE);
    }

    /** Admission that reads error budgets ({@code guards.errorBudget}) with {@code budgets}. */
    public RunAdmission(GuardRepository guardStore, Clock clock, int maxQueuedRuns, int maxQueuedPerRunbook,
                        EngineMetrics metrics, BudgetReader budgets) {
        this.budgets = java.util.Objects.requireNonNull(budgets, "budgets");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.guardStore = Objects.requireNonNull(guardStore, "guardStore");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxQueuedRuns = maxQueuedRuns;
        this.maxQueuedPerRunbook = maxQueuedPerRunbook;
        this.breaker = new CircuitBreaker(guardStore, clock, metrics);
    }

    /** The runbooks' circuit breakers, checked here with the other guards. */
    public CircuitBreaker breakers() {
        return breaker;
    }

    /**
     * Makes sure the {@code guard_lock} row of a guarded {@code runbook} exists, on a short connection of
     * its own. Call it before the transaction that admits a run of it: admission then never needs a second
     * pooled connection while it holds one (with the pool busy, that wait would time out).
     */
    public void prepare(Runbook runbook) {
        if (lockRows.contains(runbook.name()) || !runbook.guards().any()) {
            return;
        }
        guardStore.ensureLockRow(runbook.name(), clock.instant());
        lockRows.add(runbook.name());
    }

    /**
     * Admits {@code run}, already inserted as queued in {@code transaction}, and records the outcome there.
     *
     * @param alert the alert it runs for, or null
     * @param force bypass the guards (not approval): a person asked for this run explicitly
     * @param who   who asked, recorded with a forced run
     */
    public Admission admit(StoreTransaction transaction, Runbook runbook, RunRecord run, Alert alert, boolean force,
                           String who) {
        Objects.requireNonNull(transaction, "transaction");
        Objects.requireNonNull(runbook, "runbook");
        Objects.requireNonNull(run, "run");
        if (run.dryRun() || !run.message().isEmpty()) {
            // A dry run changes nothing; a run whose params did not resolve fails at once, saying why.
            return new Admission.Start();
        }
        Instant now = clock.instant();
        RunbookGuards guards = runbook.guards();
        String key = null;
        Optional<String> refusal = Optional.empty();
        String guard = "dedupeKey";
        if (guards.any()) {
            try {
                key = GuardKey.of(runbook.name(), guards, alert, run.params());
            } catch (ExpressionException e) {
                refusal = Optional.of("guards.dedupeKey of " + runbook.source() + " failed: " + e.getMessage()
                        + "; the run was refused because its guards cannot be checked — fix the expression");
            }
            if (force) {
                guardStore.recordDecision(transaction, run.id(),
                        new GuardRepository.Decision("force", who, "guards bypassed (force: true)", now));
                refusal = Optional.empty();
            } else if (refusal.isEmpty()) {
                guardStore.lockRunbook(transaction, runbook.name(), now);
                refusal = breaker.admit(transaction, runbook, now);
                guard = "breaker";
                if (refusal.isEmpty()) {
                    refusal = cooldown(transaction, runbook.name(), guards, key, run.id(), now);
                    guard = "cooldown";
                }
                if (refusal.isEmpty()) {
                    refusal = budget(transaction, runbook.name(), guards, run.id(), now);
                    guard = "maxRunsPerHour";
                }
            }
        }
        Optional<String> budgetHold = Optional.empty();
        if (refusal.isEmpty() && !force && guards.errorBudget().isPresent()) {
            ErrorBudgetSpec budget = guards.errorBudget().get();
            ErrorBudgetGate.Verdict verdict = ErrorBudgetGate.decide(budget, budgets, runbook.name(), alert, run.params());
            String action = !verdict.hold() ? "acting" : budget.then() == ErrorBudgetSpec.Action.SKIP
                    ? "refused (then: skip acts only while the budget allows it)" : "waiting for approval";
            guardStore.recordDecision(transaction, run.id(), new GuardRepository.Decision("errorBudget", "quench",
                    "errorBudget: " + verdict.measured() + ": " + action, now));
            if (verdict.hold() && budget.then() == ErrorBudgetSpec.Action.SKIP) {
                refusal = Optional.of("errorBudget: " + verdict.measured() + ": the run was refused (then: skip "
                        + "acts only while the budget allows it" + (verdict.unread() ? ", and Quench does not act "
                        + "blindly" : "") + ")");
                guard = "errorBudget";
            } else if (verdict.hold()) {
                budgetHold = Optional.of("errorBudget: " + verdict.measured() + (verdict.unread()
                        ? ": Quench does not act blindly" : ": the error budget is burning too fast for automation "
                        + "to act alone") + "; waiting for approval: quench runs approve " + run.id() + " (or reject)");
            }
        }
        Optional<String> lockKey = Optional.empty();
        if (refusal.isEmpty()) {
            try {
                lockKey = LockKeys.of(runbook, alert, run.params());
            } catch (ExpressionException e) {
                refusal = Optional.of("guards.lockKey of " + runbook.source() + " failed: " + e.getMessage()
                        + "; the run was refused because it cannot be locked against other runs on its target — fix "
                        + "the expression (or lockKey: none)");
                guard = "lockKey";
            }
        }
        if (refusal.isPresent()) {
            guardStore.recordVerdict(transaction, run.id(), RunStatus.REFUSED, refusal.get(), key, now);
            LOG.info("run {} of {} refused: {}", run.id(), runbook.name(), refusal.get());
            refused(run, guard);
            return new Admission.Refused(refusal.get());
        }
        // Recorded before the verdict: recordVerdict rewrites guard_key, not lock_key.
        lockKey.ifPresent(held -> guardStore.locks().setLockKey(transaction, run.id(), held));
        if (budgetHold.isPresent()) {
            LOG.info("run {} of {} waits for approval: {}", run.id(), runbook.name(), budgetHold.get());
            guardStore.recordVerdict(transaction, run.id(), RunStatus.AWAITING_APPROVAL, budgetHold.get(), key, null);
            return new Admission.AwaitingApproval();
        }
        ApprovalPolicy approval = runbook.approval();
        if (approval.required()) {
            String message = "waiting for approval: quench runs approve " + run.id() + " (or reject)"
                    + approval.timeout().map(timeout -> "; rejected if nobody decides by "
                    + run.createdAt().plus(timeout).truncatedTo(ChronoUnit.SECONDS)).orElse("");
            guardStore.recordVerdict(transaction, run.id(), RunStatus.AWAITING_APPROVAL, message, key, null);
            return new Admission.AwaitingApproval();
        }
        if (key != null) {
            guardStore.setGuardKey(transaction, run.id(), key);
        }
        return queueFull(transaction, run).<Admission>map(refused -> refused).orElse(new Admission.Start());
    }

    /**
     * What {@code guards.errorBudget} would decide for a run of {@code runbook} now, for a dry run: reads the
     * budget (a query only reads) and changes nothing. Empty when the runbook has no error budget.
     */
    public Optional<String> errorBudgetPreview(Runbook runbook, Alert alert, java.util.Map<String, Object> params) {
        if (runbook.guards().errorBudget().isEmpty()) {
            return Optional.empty();
        }
        ErrorBudgetSpec budget = runbook.guards().errorBudget().get();
        ErrorBudgetGate.Verdict verdict = ErrorBudgetGate.decide(budget, budgets, runbook.name(), alert, params);
        return Optional.of("errorBudget: " + verdict.measured() + ": " + (!verdict.hold() ? "a real run would act"
                : budget.then() == ErrorBudgetSpec.Action.SKIP ? "a real run would be refused"
                : "a real run would wait for approval"));
    }

    /** {@code run} with {@code note} added to its message (a dry run's plan shows it). */
    public static RunRecord noted(RunRecord run, String note) {
        return new RunRecord(run.id(), run.runbook(), run.owner(), run.triggerType(), run.triggerDetail(), run.alertId(),
                run.status(), run.dryRun(), run.params(), run.manualMinutes(), run.toilSavedMinutes(),
                run.message().isEmpty() ? note : run.message() + "; " + note, run.createdAt(), run.startedAt(),
                run.finishedAt(), run.steps());
    }

    /**
     * Refuses {@code run}, inserted as queued in {@code transaction}, when the queue already holds
     * {@code maxQueuedPerRunbook} runs of its runbook or {@code maxQueuedRuns} runs in all; records it
     * refused with the reason. Two engines admitting at the same moment may each pass the last place.
     */
    public Optional<Admission.Refused> queueFull(StoreTransaction transaction, RunRecord run) {
        if (run.dryRun() || (maxQueuedRuns == Integer.MAX_VALUE && maxQueuedPerRunbook == Integer.MAX_VALUE)) {
            return Optional.empty();
        }
        GuardRepository.QueueDepth queued = guardStore.queueDepth(transaction, run.runbook(), run.id());
        String reason;
        if (queued.sameRunbook() >= maxQueuedPerRunbook) {
            reason = "queue full (" + queued.sameRunbook() + " queued for " + run.runbook() + ", limit "
                    + maxQueuedPerRunbook
                    + "): the run was not started; it runs again only if its trigger fires again. Raise "
                    + "executor.maxQueuedPerRunbook, or find why runs of " + run.runbook() + " pile up";
        } else if (queued.all() >= maxQueuedRuns) {
            reason = "queue full (" + queued.all() + " queued in all, limit " + maxQueuedRuns
                    + "): the run was not started; it runs again only if its trigger fires again. Raise "
                    + "executor.maxQueuedRuns or executor.maxConcurrentRuns";
        } else {
            guardStore.countAdmitted(transaction, run.runbook());
            return Optional.empty();
        }
        guardStore.recordVerdict(transaction, run.id(), RunStatus.REFUSED, reason, null, clock.instant());
        // DEBUG: in a storm this refuses thousands of runs; the dispatcher logs one line per batch.
        LOG.debug("run {} of {} refused: {}", run.id(), run.runbook(), reason);
        refused(run, "queue");
        return Optional.of(new Admission.Refused(reason, true));
    }

    /** Counted when decided, inside the transaction: a rolled-back admission (rare) is counted all the same. */
    private void refused(RunRecord run, String guard) {
        metrics.guardRefused(run.runbook(), guard);
        metrics.runFinished(run.runbook(), run.triggerType() == null ? "manual" : run.triggerType().wireName(),
                RunStatus.REFUSED.wireName(), Optional.empty());
    }

    private Optional<String> cooldown(StoreTransaction transaction, String runbook, RunbookGuards guards, String key, String runId,
                                      Instant now) {
        if (guards.cooldown().isEmpty()) {
            return Optional.empty();
        }
        Duration cooldown = guards.cooldown().get();
        return guardStore.lastCountedRunWithKey(transaction, runbook, key, runId, now.minus(cooldown))
                .map(last -> "cooldown " + Durations.format(cooldown) + ": run " + last.id() + " for "
                        + key + " started " + ago(last.createdAt(), now) + " ago; next allowed at "
                        + last.createdAt().plus(cooldown).truncatedTo(ChronoUnit.SECONDS));
    }

    private Optional<String> budget(StoreTransaction transaction, String runbook, RunbookGuards guards, String runId, Instant now) {
        if (guards.maxRunsPerHour().isEmpty()) {
            return Optional.empty();
        }
        int max = guards.maxRunsPerHour().getAsInt();
        Instant since = now.minus(Duration.ofHours(1));
        List<Instant> recent = guardStore.countedRunStartsSince(transaction, runbook, runId, since);
        if (recent.size() < max) {
            return Optional.empty();
        }
        // The run that frees a slot is the max-th newest: once it is an hour old, one fewer is in the window.
        Instant freesSlot = recent.get(max - 1).plus(Duration.ofHours(1));
        return Optional.of("maxRunsPerHour " + max + ": " + recent.size() + " run(s) of " + runbook
                + " started in the last hour; next allowed at " + freesSlot.truncatedTo(ChronoUnit.SECONDS));
    }

    private static String ago(Instant then, Instant now) {
        Duration elapsed = Duration.between(then, now).truncatedTo(ChronoUnit.SECONDS);
        return elapsed.isNegative() || elapsed.isZero() ? "0s" : Durations.format(elapsed);
    }

}
