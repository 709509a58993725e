package dev.quench.core.server;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Error answers in the API's one shape: {@code {"error": "...", "detail": "..."}}. */
final class HttpErrors {

    private HttpErrors() {
    }

    static void send(RoutingContext context, int status, String error, String detail) {
        if (context.response().ended()) {
            return;
        }
        context.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(new JsonObject().put("error", error).put("detail", detail == null ? "" : detail).encode());
    }
}
