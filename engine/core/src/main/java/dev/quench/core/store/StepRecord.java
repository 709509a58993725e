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
 */
public record StepRecord(int seq, String stepId, String uses, String status, Map<String, Object> rendered,
                         Integer exitCode, String stdout, String stderr, String message, Instant startedAt,
                         Instant finishedAt, Map<String, Object> outputs) {

    public StepRecord {
        Objects.requireNonNull(stepId, "stepId");
        rendered = rendered == null ? Map.of() : rendered;
        stdout = stdout == null ? "" : stdout;
        stderr = stderr == null ? "" : stderr;
        message = message == null ? "" : message;
        outputs = outputs == null ? Map.of() : outputs;
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
                finishedAt, newOutputs);
    }

    /** Milliseconds the step took, or null while it runs. */
    public Long durationMillis() {
        return startedAt == null || finishedAt == null ? null : finishedAt.toEpochMilli() - startedAt.toEpochMilli();
    }
}
