package dev.quench.core.server;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Error answers in the API's one shape: {@code {"error": "...", "detail": "..."}}. */
final class HttpErrors {

    /**
     * A refused request's body up to this size is read and dropped, so the connection stays usable
     * and the sender surely reads the answer; a larger or unsized body is never read: the connection
     * is closed after the answer.
     */
    static final long DRAINED_BODY_BYTES = 64 * 1024;

    private HttpErrors() {
    }

    static void send(RoutingContext context, int status, String error, String detail) {
        if (context.response().ended()) {
            return;
        }
        context.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(json(error, detail));
    }

    /**
     * Answers a request refused before its body was read (no credentials, too large, too slow), then
     * closes the connection unless the body has arrived or is small: a refused sender never gets to
     * make Quench read or hold its body.
     */
    static void sendAndClose(RoutingContext context, int status, String error, String detail) {
        if (context.response().ended()) {
            return;
        }
        HttpServerRequest request = context.request();
        boolean keep = request.isEnded() || smallBody(request);
        if (!keep) {
            context.response().putHeader("connection", "close");
        }
        context.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(json(error, detail))
                .onComplete(ignored -> {
                    if (!keep) {
                        request.connection().close();
                    }
                });
    }

    private static boolean smallBody(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        if (length == null || request.getHeader("Transfer-Encoding") != null) {
            return false;
        }
        try {
            return Long.parseLong(length.strip()) <= DRAINED_BODY_BYTES;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String json(String error, String detail) {
        return new JsonObject().put("error", error).put("detail", detail == null ? "" : detail).encode();
    }
}
