package dev.quench.core.incident;

import dev.quench.core.store.GuardRepository;
import dev.quench.core.store.IncidentRecord;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.StepRecord;
import dev.quench.core.store.StoredAlert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A blameless postmortem draft of one incident, as data: its figures, its timeline (alerts fired and resolved,
 * runbooks matched, guard decisions, approvals with who, each step with its time, outcome and an output
 * excerpt, runs ending, the incident resolving) and the headings people fill in. {@link PostmortemMarkdown}
 * renders it for a doc tool; {@code ?format=json} answers it as is. Immutable.
 *
 * @param incident      the incident
 * @param impact        what it touched and for how long
 * @param toil          what automation did about it
 * @param timeline      what happened, oldest first (ties keep the order things are recorded in)
 * @param humanSections the headings left for people: contributing factors, action items, lessons learned
 */
public record Postmortem(IncidentRecord incident, Impact impact, Toil toil, List<Event> timeline,
                         List<String> humanSections) {

    /** The headings a person writes; the record cannot know these. */
    public static final List<String> HUMAN_SECTIONS = List.of("Contributing factors", "Action items",
            "Lessons learned");

    /** Lines of a step's output kept in the draft (its last ones: where a failure usually shows). */
    static final int EXCERPT_LINES = 10;
    /** Characters of a step's output kept in the draft. */
    static final int EXCERPT_CHARS = 2000;

    public Postmortem {
        Objects.requireNonNull(incident, "incident");
        timeline = List.copyOf(timeline);
        humanSections = List.copyOf(humanSections);
    }

    /**
     * @param firingAlerts   firing alert rows
     * @param resolvedAlerts resolved alert rows
     * @param alertnames     the distinct alert names, sorted
     * @param durationSeconds first alert to resolution (or to the last thing recorded, while open)
     */
    public record Impact(int firingAlerts, int resolvedAlerts, List<String> alertnames, long durationSeconds) {
    }

    /**
     * @param runs              runs its alerts started
     * @param succeeded         of which succeeded
     * @param failed            of which failed, were cancelled or interrupted
     * @param heldBack          of which guards refused or people rejected
     * @param minutesSaved      the toil the runs saved (one incident's toil counts once per runbook)
     * @param manualMinutes     what handling it by hand would have cost: each runbook's manual minutes, once
     * @param approvals         human approvals
     * @param approvers         who approved, sorted
     */
    public record Toil(int runs, int succeeded, int failed, int heldBack, long minutesSaved, long manualMinutes,
                       int approvals, List<String> approvers) {
    }

    /**
     * One moment of the timeline. Every value comes from the store and is untrusted text: a renderer escapes it.
     *
     * @param at      when
     * @param kind    {@code alert_fired}, {@code alert_resolved}, {@code run_queued}, {@code decision},
     *                {@code step}, {@code run_ended} or {@code incident_resolved}
     * @param fields  what happened, by name (alertname, labels, runbook, runId, status, actor, reason, stepId,
     *                uses, exitCode, durationMillis, message, ...)
     * @param excerpt the last lines of a step's output, or empty
     */
    public record Event(Instant at, String kind, Map<String, Object> fields, String excerpt) {
        public Event {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(kind, "kind");
            fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
            excerpt = excerpt == null ? "" : excerpt;
        }
    }

    /** The draft of {@code detail}. */
    public static Postmortem of(IncidentDetail detail) {
        IncidentRecord incident = detail.incident();
        List<Event> events = new ArrayList<>();
        int firing = 0;
        int resolved = 0;
        TreeSet<String> names = new TreeSet<>();
        for (StoredAlert stored : detail.alerts()) {
            boolean fired = stored.alert().status() == dev.quench.core.alert.AlertStatus.FIRING;
            if (fired) {
                firing++;
            } else {
                resolved++;
            }
            names.add(stored.alert().name());
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("alertname", stored.alert().name());
            fields.put("source", stored.alert().source());
            fields.put("labels", stored.alert().labels());
            if (fired && stored.alert().annotations().containsKey("summary")) {
                fields.put("summary", stored.alert().annotations().get("summary"));
            }
            events.add(new Event(stored.receivedAt(), fired ? "alert_fired" : "alert_resolved", fields, ""));
        }
        int succeeded = 0;
        int failed = 0;
        int heldBack = 0;
        long saved = 0;
        Map<String, Integer> manualByRunbook = new LinkedHashMap<>();
        int approvals = 0;
        TreeSet<String> approvers = new TreeSet<>();
        Instant last = incident.lastAlertAt();
        for (IncidentDetail.IncidentRun incidentRun : detail.runs()) {
            RunRecord run = incidentRun.run();
            manualByRunbook.putIfAbsent(run.runbook(), run.manualMinutes());
            saved += run.toilSavedMinutes();
            switch (run.status()) {
                case SUCCEEDED -> succeeded++;
                case REFUSED, REJECTED -> heldBack++;
                case FAILED, CANCELLED, INTERRUPTED -> failed++;
                default -> {
                    // still queued, running or awaiting approval: counted as a run only
                }
            }
            Map<String, Object> queued = new LinkedHashMap<>();
            queued.put("runbook", run.runbook());
            queued.put("runId", run.id());
            queued.put("trigger", run.triggerDetail() == null ? "" : run.triggerDetail());
            if (run.createdAt() != null) {
                events.add(new Event(run.createdAt(), "run_queued", queued, ""));
            }
            for (GuardRepository.Decision decision : incidentRun.decisions()) {
                if ("approve".equals(decision.action())) {
                    approvals++;
                    approvers.add(decision.actor());
                }
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("runbook", run.runbook());
                fields.put("runId", run.id());
                fields.put("action", decision.action());
                fields.put("actor", decision.actor());
                fields.put("reason", decision.reason());
                events.add(new Event(decision.decidedAt(), "decision", fields, ""));
            }
            for (StepRecord step : run.steps()) {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("runbook", run.runbook());
                fields.put("runId", run.id());
                fields.put("stepId", step.stepId());
                fields.put("uses", step.uses());
                fields.put("status", step.status());
                if (step.exitCode() != null) {
                    fields.put("exitCode", step.exitCode());
                }
                if (step.durationMillis() != null) {
                    fields.put("durationMillis", step.durationMillis());
                }
                if (!step.message().isEmpty()) {
                    fields.put("message", step.message());
                }
                if (step.startedAt() != null) {
                    events.add(new Event(step.startedAt(), "step", fields, excerpt(step)));
                }
            }
            if (run.finishedAt() != null) {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("runbook", run.runbook());
                fields.put("runId", run.id());
                fields.put("status", run.status().wireName());
                fields.put("message", run.message());
                fields.put("toilSavedMinutes", run.toilSavedMinutes());
                events.add(new Event(run.finishedAt(), "run_ended", fields, ""));
                last = run.finishedAt().isAfter(last) ? run.finishedAt() : last;
            }
        }
        if (incident.resolvedAt() != null) {
            events.add(new Event(incident.resolvedAt(), "incident_resolved", Map.of(), ""));
            last = incident.resolvedAt();
        }
        // Stable: things recorded at the same instant keep the order above (alerts, then each run's story).
        events.sort(Comparator.comparing(Event::at));
        long manual = manualByRunbook.values().stream().mapToLong(Integer::longValue).sum();
        long duration = Math.max(0, java.time.Duration.between(incident.openedAt(), last).toSeconds());
        return new Postmortem(incident, new Impact(firing, resolved, List.copyOf(names), duration),
                new Toil(detail.runs().size(), succeeded, failed, heldBack, saved, manual, approvals,
                        List.copyOf(approvers)), events, HUMAN_SECTIONS);
    }

    /** The last lines of a step's output (stderr too when the step did not succeed), capped. */
    private static String excerpt(StepRecord step) {
        String output = step.stdout();
        if (!"succeeded".equals(step.status()) && !step.stderr().isEmpty()) {
            output = output.isEmpty() ? step.stderr() : output + (output.endsWith("\n") ? "" : "\n") + step.stderr();
        }
        String[] lines = output.strip().split("\r?\n", -1);
        int from = Math.max(0, lines.length - EXCERPT_LINES);
        String tail = String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
        if (tail.length() > EXCERPT_CHARS) {
            tail = "…" + tail.substring(tail.length() - EXCERPT_CHARS);
        }
        return (from > 0 ? "…\n" : "") + tail;
    }
}
