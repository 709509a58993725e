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

    /**
     * How long a refused body is still read (and dropped) before the connection is closed: a sender
     * that writes its whole body before reading (most clients) then reads the answer instead of a
     * reset. Nothing of the body is held meanwhile.
     */
    static final long LINGER_MILLIS = 2_000;

    /** Routing-context key of an {@link HttpAccess.ErrorPage} that renders this request's errors as HTML. */
    static final String PAGE = "quench.errorPage";

    /** Routing-context key of the error answered, for the audit trail's detail. */
    static final String ANSWERED_ERROR = "quench.answeredError";

    private HttpErrors() {
    }

    static void send(RoutingContext context, int status, String error, String detail) {
        if (context.response().ended()) {
            return;
        }
        context.put(ANSWERED_ERROR, detail == null || detail.isEmpty() ? error : error + ": " + detail);
        context.response()
                .setStatusCode(status)
                .putHeader("content-type", contentType(context))
                .end(body(context, status, error, detail));
    }

    /**
     * Answers a request refused before its body was read (no credentials, unknown path, wrong type,
     * too slow), then closes the connection unless the body has arrived or is small: a refused sender
     * never gets to make Quench hold its body, nor occupy the connection for longer than
     * {@link #LINGER_MILLIS}.
     */
    static void sendAndClose(RoutingContext context, int status, String error, String detail) {
        if (context.response().ended()) {
            return;
        }
        context.put(ANSWERED_ERROR, detail == null || detail.isEmpty() ? error : error + ": " + detail);
        HttpServerRequest request = context.request();
        boolean keep = request.isEnded() || smallBody(request);
        if (!keep) {
            context.response().putHeader("connection", "close");
        }
        context.response()
                .setStatusCode(status)
                .putHeader("content-type", contentType(context))
                .end(body(context, status, error, detail))
                .onComplete(ignored -> {
                    if (!keep) {
                        context.vertx().setTimer(LINGER_MILLIS, timer -> request.connection().close());
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

    private static String contentType(RoutingContext context) {
        return context.get(PAGE) == null ? "application/json" : "text/html; charset=utf-8";
    }

    private static String body(RoutingContext context, int status, String error, String detail) {
        HttpAccess.ErrorPage page = context.get(PAGE);
        return page == null ? json(error, detail) : page.render(status, error, detail == null ? "" : detail);
    }

    private static String json(String error, String detail) {
        return new JsonObject().put("error", error).put("detail", detail == null ? "" : detail).encode();
    }
}
