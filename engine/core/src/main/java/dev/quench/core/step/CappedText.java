package dev.quench.core.step;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Collects text up to a limit and counts what it dropped, so that a command printing a gigabyte
 * cannot exhaust memory. The text kept ends with a marker saying how many characters were
 * dropped; capping text that already carries one keeps its count (a plugin's cap, then the
 * engine's, say what was dropped in all). Thread-safe.
 */
public final class CappedText {

    private static final Pattern MARKER = Pattern.compile("\n…\\[truncated (\\d+) characters]\\z");

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
        return dropped == 0 ? text.toString() : withMarker(text.toString(), dropped);
    }

    /** Caps {@code value} the same way; a marker it already ends with is kept out of the limit and added to. */
    public static String cap(String value, int limit) {
        if (value == null) {
            return "";
        }
        int cut = cutAt(value);
        String kept = cut < 0 ? value : value.substring(0, cut);
        if (kept.length() <= limit) {
            return value;
        }
        return withMarker(kept.substring(0, limit), droppedBy(value, cut) + kept.length() - limit);
    }

    /**
     * Where the truncation marker at the end of {@code value} starts, which is where the text was
     * cut; -1 when it was not cut.
     */
    public static int cutAt(String value) {
        Matcher marker = MARKER.matcher(value);
        return marker.find() ? marker.start() : -1;
    }

    private static long droppedBy(String value, int cut) {
        if (cut < 0) {
            return 0;
        }
        Matcher marker = MARKER.matcher(value);
        marker.find(cut);
        return Long.parseLong(marker.group(1));
    }

    private static String withMarker(String kept, long dropped) {
        return kept + "\n…[truncated " + dropped + " characters]";
    }
}
