package dev.quench.core.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.quench.core.alert.Alert;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.StepRecord;
import dev.quench.core.store.StoredAlert;
import dev.quench.core.util.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the run detail screen shows: what started the run (and the alert, with its labels and annotations),
 * its params, each step with its rendered inputs, exit code, timings and output (as recorded: capped by
 * {@code executor.outputLimitBytes}, secrets masked), and a timeline. Immutable; every text is plain (the
 * template escapes it).
 *
 * @param id            the run's id
 * @param runbook       the runbook's name
 * @param team          the owning team, or empty
 * @param trigger       alert, manual or schedule
 * @param triggerDetail which alert, or who asked
 * @param status        the status's wire name
 * @param live          not finished: the page streams its events
 * @param dryRun        planned only
 * @param message       why it failed or was cancelled, or empty
 * @param created       when it was queued
 * @param started       when its first step started, or empty
 * @param finished      when it ended, or empty
 * @param duration      how long it ran (so far), or empty
 * @param toilSavedMinutes what it saved
 * @param alert         the alert that started it, when it is still stored
 * @param params        the params it ran with, by name
 * @param steps         its steps in order
 * @param timeline      its steps on a time axis
 * @param canCancel     the viewer may cancel it now (operator of its team, and it has not finished)
 */
public record RunDetailView(String id, String runbook, String team, String trigger, String triggerDetail,
                            String status, boolean live, boolean dryRun, String message, String created,
                            String started, String finished, String duration, int toilSavedMinutes,
                            Optional<AlertView> alert, List<Field> params, List<StepView> steps, RunTimeline timeline,
                            boolean canCancel) {

    /** A name and its value as text. */
    public record Field(String name, String value) {
    }

    /**
     * The alert that started the run.
     *
     * @param name        its alertname (or what the source calls it)
     * @param status      firing or resolved
     * @param received    when Quench received it
     */
    public record AlertView(long id, String source, String fingerprint, String name, String status, String startsAt,
                            String received, List<Field> labels, List<Field> annotations) {
    }

    /**
     * One step.
     *
     * @param inputs   its inputs after expressions were rendered: exactly what ran
     * @param exitCode its exit code or HTTP status, or empty
     * @param outputs  its declared outputs
     */
    public record StepView(int seq, String stepId, String uses, String status, List<Field> inputs, String exitCode,
                           String started, String finished, String duration, String stdout, String stderr,
                           String message, List<Field> outputs) {

        public String statusLabel() {
            return status.replace('_', ' ');
        }
    }

    public RunDetailView {
        Objects.requireNonNull(id, "id");
        params = List.copyOf(params);
        steps = List.copyOf(steps);
    }

    /**
     * The view of {@code run} (with its steps) and its alert, as of {@code now}.
     *
     * @param mayCancel the viewer's role and team allow a cancel (whether the run can still be cancelled is
     *                  decided here)
     */
    public static RunDetailView of(RunRecord run, Optional<StoredAlert> alert, boolean mayCancel, Instant now) {
        Instant end = run.finishedAt() != null ? run.finishedAt() : now;
        boolean live = !run.status().finished();
        return new RunDetailView(run.id(), run.runbook(), run.owner() == null ? "" : run.owner(),
                run.triggerType() == null ? "" : run.triggerType().wireName(),
                run.triggerDetail() == null ? "" : run.triggerDetail(), run.status().wireName(), live, run.dryRun(),
                run.message(), RunTimeFormat.time(run.createdAt()), RunTimeFormat.time(run.startedAt()),
                RunTimeFormat.time(run.finishedAt()), RunTimeFormat.duration(run.startedAt(), end),
                run.toilSavedMinutes(), alert.map(RunDetailView::alertView), fields(run.params()),
                run.steps().stream().map(step -> stepView(step, now)).toList(), RunTimeline.of(run, now),
                mayCancel && live);
    }

    public String statusLabel() {
        return status.replace('_', ' ');
    }

    private static AlertView alertView(StoredAlert stored) {
        Alert alert = stored.alert();
        return new AlertView(stored.id(), alert.source(), alert.fingerprint(), alert.name(),
                alert.status().name().toLowerCase(java.util.Locale.ROOT),
                alert.startsAtIfKnown().map(RunTimeFormat::time).orElse(""), RunTimeFormat.time(stored.receivedAt()),
                fields(alert.labels()), fields(alert.annotations()));
    }

    private static StepView stepView(StepRecord step, Instant now) {
        return new StepView(step.seq(), step.stepId(), step.uses() == null ? "" : step.uses(), step.status(),
                fields(step.rendered()), step.exitCode() == null ? "" : step.exitCode().toString(),
                RunTimeFormat.time(step.startedAt()), RunTimeFormat.time(step.finishedAt()),
                RunTimeFormat.duration(step.startedAt(), step.finishedAt() != null ? step.finishedAt() : now),
                step.stdout(), step.stderr(), step.message(), fields(step.outputs()));
    }

    /** Sorted by name; a value that is not a string is shown as JSON. */
    static List<Field> fields(Map<String, ?> values) {
        return new TreeMap<>(values).entrySet().stream().map(entry -> new Field(entry.getKey(), text(entry.getValue())))
                .toList();
    }

    private static String text(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String text) {
            return text;
        }
        try {
            return Json.json().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}
