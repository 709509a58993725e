package dev.quench.core.console;

import dev.quench.core.dispatch.RunbookRegistry;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.server.ManualRuns;
import dev.quench.core.server.Principal;
import dev.quench.core.server.RunDecisions;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.util.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The approvals inbox: the runs waiting for approval that a principal may see (every team's, or its own
 * team's), what each would run (its plan: a dry run, as the API's dry run shows it) and whether the principal
 * may approve or reject it, and if not why. Decisions go through {@link RunDecisions}, as the API's do.
 * Plans are kept per run and planner until the run's runbook changes ({@link PlanCache}). Blocking (reads the
 * store, plans in a scratch store): call it off the event loop. Thread-safe.
 */
public final class ApprovalsInbox {

    /** The inbox shows this many waiting runs at most, newest first; more is a backlog to clear from the CLI. */
    public static final int LIMIT = 100;

    /**
     * A run waiting for approval, as a row of the inbox.
     *
     * @param id           the run
     * @param runbook      its runbook
     * @param owner        the runbook's team, may be empty
     * @param trigger      what started it ({@code alert: DiskSpaceLow web-7}, {@code manual: by alice})
     * @param waitingSince when it was queued (UTC, to the second)
     * @param waitingFor   how long it has waited ({@code 5m})
     * @param params       the params it will run with, as text
     * @param message      what the guard said (who may approve, when it expires)
     * @param approve      whether the principal may approve it, else why not
     * @param reject       whether the principal may reject it, else why not
     */
    public record WaitingRun(String id, String runbook, String owner, String trigger, Instant waitingSince,
                             String waitingFor, Map<String, String> params, String message, ActionState approve,
                             ActionState reject) {
    }

    /**
     * The inbox of one principal.
     *
     * @param runs             newest first, at most {@link #LIMIT}
     * @param more             whether more runs wait than are shown
     * @param separateApprover whether {@code approval.separateApprover} is on (explained on the page)
     */
    public record Inbox(List<WaitingRun> runs, boolean more, boolean separateApprover) {
    }

    /** The plan of one waiting run, or why there is none to show. */
    public sealed interface Plan {

        record Shown(PlanView plan) implements Plan {
        }

        /** The run waits, but its plan cannot be made now ({@code why} says so and what to do). */
        record Unavailable(String why) implements Plan {
        }

        /** No waiting run of that id that the principal may see (404: it is not told which). */
        record Missing(String runId) implements Plan {
        }
    }

    /** Plans kept: a few pages of the inbox for a few people. */
    static final int PLANS_KEPT = 500;

    private final Store store;
    private final RunbookRegistry runbooks;
    private final RunDecisions decisions;
    private final ManualRuns manualRuns;
    private final Clock clock;
    private final PlanCache plans = new PlanCache(PLANS_KEPT);

    public ApprovalsInbox(Store store, RunbookRegistry runbooks, RunDecisions decisions, ManualRuns manualRuns,
                          Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.runbooks = Objects.requireNonNull(runbooks, "runbooks");
        this.decisions = Objects.requireNonNull(decisions, "decisions");
        this.manualRuns = Objects.requireNonNull(manualRuns, "manualRuns");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The runs waiting for approval that {@code principal} may see, with what it may do about each. */
    public Inbox inbox(Principal principal) {
        List<RunRecord> waiting = store.runs().list(RunStatus.AWAITING_APPROVAL, null, principal.team(), LIMIT + 1);
        Instant now = clock.instant();
        List<WaitingRun> rows = waiting.stream().limit(LIMIT).map(run -> row(principal, run, now)).toList();
        return new Inbox(rows, waiting.size() > LIMIT, decisions.approval().separateApprover());
    }

    /** The plan of the waiting run {@code runId}, planned as {@code principal}. */
    public Plan plan(Principal principal, String runId) {
        Optional<RunRecord> run = store.runs().find(runId)
                .filter(found -> found.status() == RunStatus.AWAITING_APPROVAL && principal.covers(found.owner()));
        if (run.isEmpty()) {
            return new Plan.Missing(runId);
        }
        // Planned once per run and planner while its runbook stays as it is (see PlanCache).
        Optional<Runbook> runbook = runbooks.find(run.get().runbook());
        PlanCache.Key key = new PlanCache.Key(runId, principal.name());
        Optional<Plan> kept = runbook.flatMap(loaded -> plans.get(key, loaded));
        if (kept.isPresent()) {
            return kept.get();
        }
        Plan plan = planNow(principal, run.get());
        if (plan instanceof Plan.Shown && runbook.isPresent()) {
            plans.put(key, runbook.get(), plan);
        }
        return plan;
    }

    private Plan planNow(Principal principal, RunRecord run) {
        return switch (manualRuns.planOf(run, principal.name())) {
            case ManualRuns.Outcome.Planned planned -> new Plan.Shown(PlanView.from(planned.plan()));
            case ManualRuns.Outcome.Refused refused -> new Plan.Unavailable(refused.detail());
            case ManualRuns.Outcome.Started started -> throw new IllegalStateException("a plan started run "
                    + started.run().id());
        };
    }

    private WaitingRun row(Principal principal, RunRecord run, Instant now) {
        Duration waited = Duration.between(run.createdAt(), now);
        return new WaitingRun(run.id(), run.runbook(), run.owner() == null ? "" : run.owner(),
                run.triggerType().wireName() + ": " + (run.triggerDetail() == null ? "" : run.triggerDetail()),
                run.createdAt().truncatedTo(ChronoUnit.SECONDS),
                Durations.format(waited.isNegative() ? Duration.ZERO : waited.truncatedTo(ChronoUnit.SECONDS)),
                PlanView.texts(run.params()), run.message(),
                ActionState.of(decisions.refusal(principal, run, RunDecisions.Action.APPROVE)),
                ActionState.of(decisions.refusal(principal, run, RunDecisions.Action.REJECT)));
    }
}
