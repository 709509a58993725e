package dev.quench.core.server;

import dev.quench.core.events.RunEvent;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * How an event stream writes one run event: its {@code event:} name and its {@code data:} text. The API
 * writes JSON ({@link #JSON}); the console writes HTML fragments for htmx. The stream itself (replay,
 * limits, heartbeats, the end) is the same for both. Implementations are stateless and thread-safe.
 */
public interface EventFrames {

    /** The API's frames: the event's wire name, and its data as one JSON object with the run, runbook and time. */
    EventFrames JSON = new EventFrames() {
        @Override
        public String name(RunEvent event) {
            return event.type().wireName();
        }

        @Override
        public String data(RunEvent event) {
            JsonObject data = new JsonObject().put("runId", event.runId()).put("runbook", event.runbook())
                    .put("at", event.at().toString());
            for (Map.Entry<String, Object> entry : event.data().entrySet()) {
                data.put(entry.getKey(), entry.getValue());
            }
            return data.encode();
        }
    };

    /** The {@code event:} field. */
    String name(RunEvent event);

    /** The {@code data:} field; a line break inside it starts another {@code data:} line. */
    String data(RunEvent event);
}
