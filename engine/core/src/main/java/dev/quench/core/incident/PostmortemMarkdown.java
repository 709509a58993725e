package dev.quench.core.incident;

import static dev.quench.core.incident.MarkdownText.code;
import static dev.quench.core.incident.MarkdownText.escape;

import dev.quench.core.store.IncidentRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders a {@link Postmortem} as Markdown to paste into a doc tool. Every value from the store is untrusted:
 * names, labels and ids go into code spans, messages and reasons are escaped prose, step output goes into a
 * fenced block no line of it can close ({@link MarkdownText}), so an alert label or a command's output cannot
 * add a heading, a link, an image or HTML. Thread-safe (stateless).
 */
public final class PostmortemMarkdown {

    private PostmortemMarkdown() {
    }

    public static String render(Postmortem draft) {
        IncidentRecord incident = draft.incident();
        StringBuilder out = new StringBuilder();
        out.append("# Postmortem draft: ").append(escape(incident.title())).append("\n\n");
        out.append("_A blameless draft Quench made from the record of incident ").append(code(incident.id()))
                .append(". Summary, impact, toil and timeline come from the record; the sections after the "
                        + "timeline are for the people involved. All times are UTC, as Quench received or did "
                        + "them._\n\n");
        out.append("## Summary\n\n");
        out.append("- Status: ").append(incident.status()).append('\n');
        out.append("- Group: ").append(code(incident.groupKey())).append('\n');
        out.append("- Owner: ").append(code(incident.owner())).append('\n');
        out.append("- Opened: ").append(time(incident.openedAt())).append('\n');
        out.append("- Resolved: ").append(incident.resolvedAt() == null ? "not yet" : time(incident.resolvedAt()))
                .append('\n');
        out.append("- Time to acknowledge (first alert to first run start or approval): ")
                .append(incident.mttaSeconds() == null ? "none yet" : duration(incident.mttaSeconds())).append('\n');
        out.append("- Time to resolve (first alert to resolution): ")
                .append(incident.mttrSeconds() == null ? "not resolved" : duration(incident.mttrSeconds()))
                .append("\n\n");
        Postmortem.Impact impact = draft.impact();
        out.append("## Impact\n\n");
        out.append("- Alerts: ").append(impact.firingAlerts()).append(" fired, ").append(impact.resolvedAlerts())
                .append(" resolved\n");
        out.append("- Alert names: ").append(impact.alertnames().stream().map(MarkdownText::code)
                .collect(Collectors.joining(", "))).append('\n');
        out.append("- Duration: ").append(duration(impact.durationSeconds())).append("\n\n");
        Postmortem.Toil toil = draft.toil();
        out.append("## Toil\n\n");
        out.append("- Runs: ").append(toil.runs()).append(" (").append(toil.succeeded()).append(" succeeded, ")
                .append(toil.failed()).append(" failed, ").append(toil.heldBack()).append(" held back by guards or "
                        + "people)\n");
        out.append("- Toil saved: ").append(toil.minutesSaved()).append(" min (one incident's toil counts once per "
                + "runbook)\n");
        out.append("- Handling it by hand would have cost: ").append(toil.manualMinutes()).append(" min\n");
        out.append("- Approvals: ").append(toil.approvals());
        if (!toil.approvers().isEmpty()) {
            out.append(" (by ").append(toil.approvers().stream().map(MarkdownText::code)
                    .collect(Collectors.joining(", "))).append(')');
        }
        out.append("\n\n");
        out.append("## Timeline\n\n");
        for (Postmortem.Event event : draft.timeline()) {
            out.append("- **").append(time(event.at())).append("** ").append(line(event)).append('\n');
            if (!event.excerpt().isBlank()) {
                for (String line : MarkdownText.block(event.excerpt()).split("\n")) {
                    out.append("  ").append(line).append('\n');
                }
            }
        }
        for (String section : draft.humanSections()) {
            out.append("\n## ").append(escape(section)).append("\n\n").append(prompt(section)).append('\n');
        }
        return out.toString();
    }

    private static String line(Postmortem.Event event) {
        Map<String, Object> fields = event.fields();
        return switch (event.kind()) {
            case "alert_fired" -> "Alert " + code(text(fields, "alertname")) + " fired (" + code(text(fields, "source"))
                    + "): " + labels(fields) + (fields.containsKey("summary")
                    ? ". Summary: " + escape(text(fields, "summary")) : "");
            case "alert_resolved" -> "Alert " + code(text(fields, "alertname")) + " resolved: " + labels(fields);
            case "run_queued" -> "Runbook " + code(text(fields, "runbook")) + " matched: run " + code(text(fields, "runId"))
                    + " queued (" + escape(text(fields, "trigger")) + ")";
            case "decision" -> "Decision on run " + code(text(fields, "runId")) + " of " + code(text(fields, "runbook"))
                    + ": " + code(text(fields, "action")) + " by " + code(text(fields, "actor"))
                    + (text(fields, "reason").isEmpty() ? "" : ": " + escape(text(fields, "reason")));
            case "step" -> "Step " + code(text(fields, "stepId")) + " (" + code(text(fields, "uses")) + ") of "
                    + code(text(fields, "runbook")) + ": " + escape(text(fields, "status"))
                    + (fields.containsKey("durationMillis") ? " after " + millis(fields.get("durationMillis")) : "")
                    + (fields.containsKey("exitCode") ? ", exit " + escape(text(fields, "exitCode")) : "")
                    + (fields.containsKey("message") ? ": " + escape(text(fields, "message")) : "");
            case "run_ended" -> "Run " + code(text(fields, "runId")) + " of " + code(text(fields, "runbook")) + " "
                    + escape(text(fields, "status")) + (text(fields, "message").isEmpty() ? ""
                    : ": " + escape(text(fields, "message"))) + "; toil saved " + escape(text(fields,
                    "toilSavedMinutes")) + " min";
            case "incident_resolved" -> "Incident resolved: every alert resolved and every run ended";
            default -> escape(event.kind());
        };
    }

    private static String labels(Map<String, Object> fields) {
        Object labels = fields.get("labels");
        if (!(labels instanceof Map<?, ?> map) || map.isEmpty()) {
            return "no labels";
        }
        return map.entrySet().stream().map(entry -> code(entry.getKey() + "=" + entry.getValue()))
                .collect(Collectors.joining(" "));
    }

    private static String text(Map<String, Object> fields, String name) {
        Object value = fields.get(name);
        return value == null ? "" : value.toString();
    }

    private static String prompt(String section) {
        return switch (section) {
            case "Contributing factors" -> "_What made this happen, and what made it worse or better. Systems and "
                    + "conditions, not people._";
            case "Action items" -> "_Each with an owner and a due date._\n\n- [ ] ";
            default -> "_What went well, what did not, where we got lucky._";
        };
    }

    static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String millis(Object value) {
        long millis = value instanceof Number number ? number.longValue() : 0;
        return millis < 1000 ? millis + " ms" : duration(Math.round(millis / 1000.0));
    }

    static String duration(long seconds) {
        long hours = seconds / 3600;
        long minutes = seconds % 3600 / 60;
        long rest = seconds % 60;
        return hours > 0 ? hours + "h " + minutes + "m " + rest + "s" : minutes > 0 ? minutes + "m " + rest + "s"
                : rest + "s";
    }
}
