package dev.quench.core.exec;

import dev.quench.api.StepResult;
import dev.quench.core.alert.Alert;
import dev.quench.core.config.RunbookEnvironment;
import dev.quench.core.expr.ExpressionScope;
import dev.quench.core.expr.ItemResult;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.StepRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one run has gathered so far: step results by id, the next step number, facts for
 * {@code run.*}, and failures that {@code continueOnError} let pass. Confined to the run's thread, but for {@link #nextSeq()}.
 */
final class RunState {

    private final RunRecord run;
    private final String runbookName;
    private final dev.quench.core.store.RunLease lease;
    private final Alert alert;
    private final RunbookEnvironment environment;
    private final SecretScrubber redaction;
    private final Map<String, StepResult> results = new LinkedHashMap<>();
    private final Map<String, List<ItemResult>> items = new LinkedHashMap<>();
    private final Map<String, Object> runInfo = new LinkedHashMap<>();
    private final List<String> tolerated = new ArrayList<>();
    /** Steps that ended and whose end is not in the store yet (it goes with the next write of the run); guarded by itself. */
    private final List<StepRecord> unrecordedEnds = new ArrayList<>();
    private int seq;
    /** Whether the steps run now are verify steps (checked until their deadline, recorded in the verify phase). */
    private volatile boolean verifying;

    /**
     * @param lease     the lease every write of this run names
     * @param firstSeq  the number of the first step this state records, less one (0 for a new run)
     */
    RunState(RunRecord run, dev.quench.core.store.RunLease lease, int firstSeq, String runbookName, Alert alert,
             RunbookEnvironment environment) {
        this.run = run;
        this.runbookName = runbookName;
        this.lease = lease;
        this.seq = firstSeq;
        this.alert = alert;
        this.environment = environment;
        this.redaction = new SecretScrubber(environment.secrets().values());
        runInfo.put("id", run.id());
        runInfo.put("runbook", runbookName);
        runInfo.put("trigger", run.triggerType().wireName());
        runInfo.put("dryRun", run.dryRun());
    }

    RunRecord run() {
        return run;
    }

    /** Keeps the end of a step for the run's next write (any thread: forEach iterations end on their own). */
    void stepEnded(StepRecord step) {
        synchronized (unrecordedEnds) {
            unrecordedEnds.add(step);
        }
    }

    /** The ends of steps not written yet, oldest first; from now on the caller writes them. */
    List<StepRecord> takeEndedSteps() {
        synchronized (unrecordedEnds) {
            List<StepRecord> taken = List.copyOf(unrecordedEnds);
            unrecordedEnds.clear();
            return taken;
        }
    }

    /** Gives back ends taken by a write that failed, so the next write records them. */
    void returnEndedSteps(List<StepRecord> steps) {
        synchronized (unrecordedEnds) {
            unrecordedEnds.addAll(0, steps);
        }
    }

    String runbookName() {
        return runbookName;
    }

    /** The lease this run is executed under: the store refuses its writes once another node took it over. */
    dev.quench.core.store.RunLease lease() {
        return lease;
    }

    /** Synchronized: the iterations of a forEach step with concurrency take numbers from several threads. */
    synchronized int nextSeq() {
        return ++seq;
    }

    /** The scope the next step renders in. */
    ExpressionScope scope() {
        return ExpressionScope.of(alert, run.params(), Map.copyOf(results), Map.copyOf(items), Map.copyOf(runInfo),
                environment.env(), environment.secrets());
    }

    /** Masks this run's secret values wherever they would be recorded. */
    SecretScrubber redaction() {
        return redaction;
    }

    void record(String stepId, StepResult result) {
        results.put(stepId, result);
    }

    /** The iterations of a forEach step, read later as steps.<id>.items. */
    void recordItems(String stepId, List<ItemResult> iterations) {
        items.put(stepId, List.copyOf(iterations));
    }

    /** Makes the failure readable to onFailure and finally steps as run.failedStep and run.error. */
    void noteFailure(String stepId, String error) {
        runInfo.put("failedStep", stepId);
        runInfo.put("error", error);
    }

    /** From here on, steps are verify steps: checked until their deadline and recorded in the verify phase. */
    void enterVerify() {
        verifying = true;
    }

    /** Steps after verify (onFailure, finally) run once again, in the run phase. */
    void leaveVerify() {
        verifying = false;
    }

    boolean verifying() {
        return verifying;
    }

    /** The phase a step recorded now belongs to ({@link StepRecord#PHASE_RUN} or {@link StepRecord#PHASE_VERIFY}). */
    String phase() {
        return verifying ? StepRecord.PHASE_VERIFY : StepRecord.PHASE_RUN;
    }

    void tolerate(String note) {
        tolerated.add(note);
    }

    List<String> tolerated() {
        return List.copyOf(tolerated);
    }
}
