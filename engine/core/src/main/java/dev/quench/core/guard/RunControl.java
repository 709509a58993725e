package dev.quench.core.guard;

import dev.quench.core.runbook.ApprovalPolicy;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.store.GuardRepository;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.util.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What people decide about runs: approve or reject a run awaiting approval, cancel a run that has
 * not started. Each decision is one conditional update, so two people (or two engines) deciding at
 * once cannot both win; the decision, who made it and why are kept in {@code run_decision}.
 * Thread-safe.
 */
public final class RunControl {

    /** The result of a decision. */
    public sealed interface Outcome {

        /** Done; {@code run} is the run as now recorded. */
        record Done(RunRecord run) implements Outcome {
        }

        record NotFound(String runId) implements Outcome {
        }

        /** The run is not in a state this decision applies to; {@code reason} says why and what to do. */
        record Conflict(String reason) implements Outcome {
        }
    }

    /** One recorded decision about a run. */
    public record Decision(String action, String actor, String reason, Instant decidedAt) {
    }

    private final Store store;
    private final Clock clock;

    public RunControl(Store store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Moves a run from awaiting_approval to queued; the caller starts it. */
    public Outcome approve(String runId, String who, String why) {
        // The message stays empty: a queued run with a message is one whose params did not resolve.
        return decide(runId, "approve", who, why, List.of(RunStatus.AWAITING_APPROVAL), RunStatus.QUEUED, "", false);
    }

    /** Records a run awaiting approval as rejected; it never starts. */
    public Outcome reject(String runId, String who, String why) {
        return decide(runId, "reject", who, why, List.of(RunStatus.AWAITING_APPROVAL), RunStatus.REJECTED,
                "rejected by " + actor(who) + reason(why), true);
    }

    /** Records a queued or awaiting run as cancelled; it never starts. */
    public Outcome cancel(String runId, String who, String why) {
        return decide(runId, "cancel", who, why, List.of(RunStatus.QUEUED, RunStatus.AWAITING_APPROVAL),
                RunStatus.CANCELLED, "cancelled by " + actor(who) + reason(why), true);
    }

    /**
     * Rejects the runs that waited for approval longer than their runbook's {@code approval.timeout}.
     *
     * @param runbooks the loaded runbook of a name, if still loaded (a run of an unloaded runbook keeps waiting)
     * @return the ids of the runs rejected
     */
    public List<String> expireApprovals(Function<String, Optional<Runbook>> runbooks) {
        Instant now = clock.instant();
        List<String> expired = new ArrayList<>();
        for (RunRecord run : store.runs().list(RunStatus.AWAITING_APPROVAL, null, 1000)) {
            Optional<Duration> timeout = runbooks.apply(run.runbook()).map(Runbook::approval)
                    .flatMap(ApprovalPolicy::timeout);
            if (timeout.isPresent() && run.createdAt().plus(timeout.get()).isBefore(now)) {
                String message = "rejected: nobody approved it within " + Durations.format(timeout.get())
                        + " (approval.timeout of " + run.runbook() + ")";
                if (decide(run.id(), "expire", "quench", message, List.of(RunStatus.AWAITING_APPROVAL),
                        RunStatus.REJECTED, message, true) instanceof Outcome.Done) {
                    expired.add(run.id());
                }
            }
        }
        return expired;
    }

    /** Records that {@code who} cancelled a run while it ran (the executor stops it). */
    public void recordRunningCancel(String runId, String who, String why) {
        store.guards().recordDecision(runId, decision("cancel", who, why, clock.instant()));
    }

    /** The message of a run {@code who} cancels: {@code cancelled by alice: why}. */
    public static String cancelledBy(String who, String why) {
        return "cancelled by " + actor(who) + reason(why);
    }

    /** The decisions recorded for a run, oldest first. */
    public List<Decision> decisions(String runId) {
        return store.guards().decisions(runId).stream()
                .map(found -> new Decision(found.action(), found.actor(), found.reason(), found.decidedAt()))
                .toList();
    }

    private Outcome decide(String runId, String action, String who, String why, List<RunStatus> from, RunStatus to,
                           String message, boolean finished) {
        Objects.requireNonNull(runId, "runId");
        Instant now = clock.instant();
        Optional<RunRecord> before = store.runs().find(runId);
        if (before.isEmpty()) {
            return new Outcome.NotFound(runId);
        }
        boolean done = store.guards().decide(runId, from, to, message, finished ? now : null,
                decision(action, who, why, now));
        if (done) {
            return new Outcome.Done(store.runs().find(runId).orElseThrow());
        }
        RunStatus current = store.runs().find(runId).map(RunRecord::status).orElse(before.get().status());
        return new Outcome.Conflict("run " + runId + " is " + current.wireName() + ": only a run that is "
                + String.join(" or ", from.stream().map(RunStatus::wireName).toList()) + " can be "
                + pastTense(action) + (current == RunStatus.RUNNING && action.equals("cancel")
                ? " here; a running run can be cancelled only on the engine executing it" : ""));
    }

    private static GuardRepository.Decision decision(String action, String who, String why, Instant now) {
        return new GuardRepository.Decision(action, actor(who), why, now);
    }

    private static String pastTense(String action) {
        return switch (action) {
            case "approve" -> "approved";
            case "reject" -> "rejected";
            case "cancel" -> "cancelled";
            default -> action + "d";
        };
    }

    private static String actor(String who) {
        return who == null || who.isBlank() ? "unknown" : who.strip();
    }

    private static String reason(String why) {
        return why == null || why.isBlank() ? "" : ": " + why.strip();
    }
}
