package dev.quench.core.console;

import dev.quench.core.events.RunEvent;
import dev.quench.core.server.EventFrames;
import gg.jte.html.escape.Escape;
import gg.jte.output.StringOutput;

/**
 * The run detail screen's live stream: the same events as {@code GET /api/v1/runs/{id}/events}, written for
 * htmx-ext-sse. Output lines become {@code line} events whose data is one HTML-escaped line, appended to the
 * page in order; step starts and ends become {@code step}, status changes {@code status} and the end
 * {@code end}, on which the page reloads its steps (and stops listening after the end). Stateless, thread-safe.
 */
final class RunEventHtml implements EventFrames {

    static final RunEventHtml INSTANCE = new RunEventHtml();

    private RunEventHtml() {
    }

    @Override
    public String name(RunEvent event) {
        return switch (event.type()) {
            case STDOUT, STDERR, INFO, DROPPED -> "line";
            case STEP_STARTED, STEP_FINISHED -> "step";
            case STATUS -> "status";
            case END -> "end";
        };
    }

    @Override
    public String data(RunEvent event) {
        StringOutput html = new StringOutput();
        switch (event.type()) {
            case STDOUT, STDERR, INFO -> {
                html.writeContent("<span class=\"line " + event.type().wireName() + "\"><span class=\"step\">");
                Escape.htmlContent(text(event, "step"), html);
                html.writeContent("</span> ");
                Escape.htmlContent(oneLine(text(event, "line")), html);
                html.writeContent("</span>");
            }
            case DROPPED -> {
                html.writeContent("<span class=\"line dropped\">");
                Escape.htmlContent(text(event, "count") + " events left out: " + oneLine(text(event, "reason")), html);
                html.writeContent("</span>");
            }
            default -> Escape.htmlContent(event.type().wireName() + " " + oneLine(String.valueOf(event.data())), html);
        }
        return html.toString();
    }

    private static String text(RunEvent event, String key) {
        Object value = event.data().get(key);
        return value == null ? "" : value.toString();
    }

    /** A line break would end the {@code data:} line; a carriage return inside a line is shown as a space. */
    private static String oneLine(String text) {
        return text.replace('\r', ' ').replace('\n', ' ');
    }
}
