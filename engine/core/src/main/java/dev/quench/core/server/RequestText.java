package dev.quench.core.server;

import io.vertx.core.json.JsonObject;

/** Checks the free-text fields of API bodies and console forms. Stateless and thread-safe. */
public final class RequestText {

    /** A reason longer than this is refused: it is recorded with every decision. */
    static final int MAX_REASON = 1000;

    private RequestText() {
    }

    /**
     * The body's {@code reason}: free text without control characters (a newline would forge lines
     * in {@code quench runs list}), empty when absent.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    static String reason(JsonObject body) {
        Object value = body.getValue("reason");
        if (value == null) {
            return "";
        }
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException("'reason' must be a string, got " + value);
        }
        return reason(text);
    }

    /**
     * A reason typed into a form (or sent in a body): one line of plain text, at most {@link #MAX_REASON}
     * characters, stripped; empty for null.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static String reason(String text) {
        if (text == null) {
            return "";
        }
        if (text.length() > MAX_REASON) {
            throw new IllegalArgumentException("'reason' has " + text.length() + " characters; at most " + MAX_REASON);
        }
        for (int index = 0; index < text.length(); index++) {
            char character = text.charAt(index);
            if (Character.isISOControl(character) || (character >= '\u202a' && character <= '\u202e')
                    || (character >= '\u2066' && character <= '\u2069')) {
                throw new IllegalArgumentException(String.format("'reason' has a control character (U+%04X) at "
                        + "position %d; send one line of plain text", (int) character, index));
            }
        }
        return text.strip();
    }

    /**
     * Refuses a {@code by} in the body: the actor is the token's name, never a field of the request.
     *
     * @throws IllegalArgumentException when there is one
     */
    static void refuseBy(JsonObject body, Principal principal) {
        if (body.containsKey("by")) {
            throw new IllegalArgumentException("'by' is not accepted: the actor recorded is the name of the token "
                    + "that sent the request ('" + principal.name() + "'); leave 'by' out, and give each person or "
                    + "service a token of its own (quench tokens create NAME --role ROLE)");
        }
    }
}
