package dev.quench.core.server;

import dev.quench.core.dispatch.RunDispatcher;
import dev.quench.core.guard.RunControl;
import dev.quench.core.store.Role;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.store.TriggerType;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Approve, reject or cancel a run on behalf of a principal: the one implementation behind
 * {@code POST /api/v1/runs/{id}/approve|reject|cancel} and the console's buttons. Checks what the route's
 * role declaration cannot (the run's team, and with {@code approval.separateApprover} that nobody approves a
 * run they started), decides through {@link RunControl} (one conditional update, so two deciders cannot both
 * win), and starts an approved run. Blocking: call it off the event loop. Thread-safe.
 */
public final class RunDecisions {

    /** What a person decides about a run; {@link #auditAction()} is the name on the audit trail. */
    public enum Action {
        APPROVE, REJECT, CANCEL;

        /** {@code approve}, {@code reject} or {@code cancel}: the last part of the API path. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** {@code run.approve} etc., as the API records it. */
        public String auditAction() {
            return "run." + wireName();
        }
    }

    /** The result of a decision. */
    public sealed interface Result {

        /** Done; {@code run} is the run as now recorded. */
        record Done(RunRecord run) implements Result {
        }

        record NotFound(String runId) implements Result {
        }

        /** The run is not in a state this decision applies to; {@code reason} says why and what to do. */
        record Conflict(String reason) implements Result {
        }

        /** Refused before anything was decided: {@code detail} says why and who could. */
        record Forbidden(String detail) implements Result {
        }
    }

    private final Store store;
    private final RunDispatcher dispatcher;
    private final RunControl control;
    private final ApprovalSettings approval;

    public RunDecisions(Store store, RunDispatcher dispatcher, ApprovalSettings approval) {
        this.store = Objects.requireNonNull(store, "store");
        this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
        this.approval = Objects.requireNonNull(approval, "approval");
        this.control = dispatcher.runControl();
    }

    /** The decisions recorded for run {@code runId}, oldest first. */
    public List<RunControl.Decision> decisionsOf(String runId) {
        return control.decisions(runId);
    }

    /** The {@code approval:} settings the decisions follow. */
    public ApprovalSettings approval() {
        return approval;
    }

    /**
     * Decides {@code action} about run {@code runId} as {@code principal}, with {@code reason} (already checked,
     * may be empty). The principal's role has been checked by the route; the team and the four-eyes rule are
     * checked here.
     */
    public Result decide(Principal principal, String runId, Action action, String reason) {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(action, "action");
        String who = principal.name();
        Optional<RunRecord> run = store.runs().find(runId);
        if (run.isEmpty()) {
            return new Result.NotFound(runId);
        }
        Optional<String> refusal = refusal(principal, run.get(), action);
        if (refusal.isPresent()) {
            return new Result.Forbidden(refusal.get());
        }
        RunControl.Outcome outcome = switch (action) {
            case APPROVE -> control.approve(runId, who, reason);
            case REJECT -> control.reject(runId, who, reason);
            case CANCEL -> dispatcher.cancel(runId, who, reason);
        };
        if (outcome instanceof RunControl.Outcome.Done done && done.run().status() == RunStatus.QUEUED) {
            dispatcher.startQueued(runId);
        }
        return switch (outcome) {
            case RunControl.Outcome.Done done -> new Result.Done(done.run());
            case RunControl.Outcome.NotFound notFound -> new Result.NotFound(notFound.runId());
            case RunControl.Outcome.Conflict conflict -> new Result.Conflict(conflict.reason());
        };
    }

    /**
     * Why {@code principal} may not decide {@code action} about {@code run} (its role, its team, or the
     * four-eyes rule), or empty when it may. The console asks this to decide which buttons to show and to say
     * why one is missing; {@link #decide} asks it again, so a forged request is refused all the same.
     */
    public Optional<String> refusal(Principal principal, RunRecord run, Action action) {
        if (!principal.role().atLeast(Role.OPERATOR)) {
            return Optional.of("token '" + principal.name() + "' has role " + principal.role().wireName() + "; to "
                    + action.wireName() + " a run needs role " + TokenDirectory.roleOrMore(Role.OPERATOR));
        }
        if (!principal.covers(run.owner())) {
            return Optional.of(Access.teamRefusal(principal, run.owner(), "run " + run.id()));
        }
        if (action == Action.APPROVE && approval.separateApprover() && startedBy(run, principal.name())) {
            return Optional.of("run " + run.id() + " was started by '" + principal.name() + "', and "
                    + "approval.separateApprover is on: another operator must approve it");
        }
        return Optional.empty();
    }

    /**
     * A reason typed by a person (a console form), checked as the API checks the body's {@code reason}: one
     * line of plain text, at most 1000 characters; stripped.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static String checkedReason(String text) {
        return RequestText.reason(text);
    }

    /** Whether {@code run} was started by hand by {@code name} ("by alice", "by alice (force: ...)"). */
    static boolean startedBy(RunRecord run, String name) {
        String detail = run.triggerDetail() == null ? "" : run.triggerDetail();
        return run.triggerType() == TriggerType.MANUAL
                && (detail.equals("by " + name) || detail.startsWith("by " + name + " ("));
    }
}
