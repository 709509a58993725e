package dev.quench.core.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.quench.core.util.Json;
import io.vertx.ext.web.RoutingContext;

/** Writes answers as JSON with the engine's mapper (records, ISO-8601 times). */
final class JsonResponses {

    private JsonResponses() {
    }

    static void send(RoutingContext context, int status, Object body) {
        String json;
        try {
            json = Json.json().writerWithDefaultPrettyPrinter().writeValueAsString(body);
        } catch (JsonProcessingException e) {
            HttpErrors.send(context, 500, "cannot encode the answer", e.getOriginalMessage());
            return;
        }
        context.response().setStatusCode(status).putHeader("content-type", "application/json").end(json);
    }
}
