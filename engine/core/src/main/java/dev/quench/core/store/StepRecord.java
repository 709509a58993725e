package dev.quench.core.store;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One step of a run as recorded.
 *
 * @param seq        position in the run, from 1
 * @param stepId     the step's id in the runbook
 * @param uses       the step type
 * @param status     running, succeeded, failed
 * @param rendered   the step's inputs after expressions were rendered (the exact command run)
 * @param exitCode   exit code or HTTP status, or null
 * @param stdout     standard output, capped
 * @param stderr     standard error, capped
 * @param message    why it failed; empty otherwise
 * @param startedAt  when it started
 * @param finishedAt when it ended, or null while running
 * @param outputs    the values of the step's declared {@code outputs:} (masked, capped), empty when it declares none
 * @param phase      {@link #PHASE_RUN} for the steps, onFailure and finally steps; {@link #PHASE_VERIFY} for the checks
 *                   of {@code verify:} (each recorded once, with how many checks it took)
 */
public record StepRecord(int seq, String stepId, String uses, String status, Map<String, Object> rendered,
                         Integer exitCode, String stdout, String stderr, String message, Instant startedAt,
                         Instant finishedAt, Map<String, Object> outputs, String phase) {

    /** The phase of a run's steps, onFailure and finally steps. */
    public static final String PHASE_RUN = "run";
    /** The phase of the checks of {@code verify:}, run after the steps succeeded. */
    public static final String PHASE_VERIFY = "verify";

    public StepRecord {
        Objects.requireNonNull(stepId, "stepId");
        rendered = rendered == null ? Map.of() : rendered;
        stdout = stdout == null ? "" : stdout;
        stderr = stderr == null ? "" : stderr;
        message = message == null ? "" : message;
        outputs = outputs == null ? Map.of() : outputs;
        phase = phase == null ? PHASE_RUN : phase;
        if (!PHASE_RUN.equals(phase) && !PHASE_VERIFY.equals(phase)) {
            throw new IllegalArgumentException("phase must be run or verify, was " + phase);
        }
    }

    /** A step record of the run phase, with outputs. */
    public StepRecord(int seq, String stepId, String uses, String status, Map<String, Object> rendered,
                      Integer exitCode, String stdout, String stderr, String message, Instant startedAt,
                      Instant finishedAt, Map<String, Object> outputs) {
        this(seq, stepId, uses, status, rendered, exitCode, stdout, stderr, message, startedAt, finishedAt, outputs,
                PHASE_RUN);
    }

    /** A step record without outputs. */
    public StepRecord(int seq, String stepId, String uses, String status, Map<String, Object> rendered,
                      Integer exitCode, String stdout, String stderr, String message, Instant startedAt,
                      Instant finishedAt) {
        this(seq, stepId, uses, status, rendered, exitCode, stdout, stderr, message, startedAt, finishedAt, Map.of());
    }

    /** This record with {@code newOutputs}. */
    public StepRecord withOutputs(Map<String, Object> newOutputs) {
        return new StepRecord(seq, stepId, uses, status, rendered, exitCode, stdout, stderr, message, startedAt,
                finishedAt, newOutputs, phase);
    }

    /** This record in {@code newPhase}. */
    public StepRecord withPhase(String newPhase) {
        return new StepRecord(seq, stepId, uses, status, rendered, exitCode, stdout, stderr, message, startedAt,
                finishedAt, outputs, newPhase);
    }

    /** Whether this is a check of {@code verify:}. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isVerify() {
        return PHASE_VERIFY.equals(phase);
    }

    /** Milliseconds the step took, or null while it runs. */
    public Long durationMillis() {
        return startedAt == null || finishedAt == null ? null : finishedAt.toEpochMilli() - startedAt.toEpochMilli();
    }
}
