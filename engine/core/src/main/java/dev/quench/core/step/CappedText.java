package dev.quench.core.step;

/**
 * Collects text up to a limit and counts what it dropped, so that a command printing a gigabyte
 * cannot exhaust memory. Thread-safe.
 */
public final class CappedText {

    private final int limit;
    private final StringBuilder text = new StringBuilder();
    private long dropped;

    public CappedText(int limit) {
        this.limit = limit;
    }

    public synchronized void append(String chunk) {
        int room = limit - text.length();
        if (room >= chunk.length()) {
            text.append(chunk);
        } else {
            if (room > 0) {
                text.append(chunk, 0, room);
            }
            dropped += chunk.length() - Math.max(room, 0);
        }
    }

    /** The text kept, with a marker saying how much was dropped. */
    public synchronized String text() {
        return dropped == 0 ? text.toString() : text + "\n…[truncated " + dropped + " characters]";
    }

    /** Caps {@code value} the same way. */
    public static String cap(String value, int limit) {
        if (value == null || value.length() <= limit) {
            return value == null ? "" : value;
        }
        return value.substring(0, limit) + "\n…[truncated " + (value.length() - limit) + " characters]";
    }
}
