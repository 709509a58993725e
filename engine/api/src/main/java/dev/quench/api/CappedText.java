package dev.quench.api;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Collects text up to a limit and counts what it dropped, so that a command printing a gigabyte
 * cannot exhaust memory. The text kept ends with a marker saying how many characters were
 * dropped; capping text that already carries one (this class's, or a plugin's
 * {@code …[truncated N bytes]}) keeps its count, so a plugin's cap and then the engine's say what
 * was dropped in all. Thread-safe.
 */
public final class CappedText {

    /** This class's marker, or the one the ssh and http plugins write after a cap in bytes. */
    private static final Pattern MARKER = Pattern.compile("\n?…\\[truncated (\\d+) (characters|bytes)]\\z");

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
        return dropped == 0 ? text.toString() : withMarker(text.toString(), dropped, "characters");
    }

    /** Caps {@code value} the same way; a marker it already ends with is kept out of the limit and added to. */
    public static String cap(String value, int limit) {
        if (value == null) {
            return "";
        }
        Matcher marker = MARKER.matcher(value);
        boolean cutBefore = marker.find();
        String kept = cutBefore ? value.substring(0, marker.start()) : value;
        if (kept.length() <= limit) {
            return value;
        }
        String cutNow = kept.substring(limit);
        if (cutBefore && marker.group(2).equals("bytes")) {
            // Counted in bytes before: count what is cut now in bytes too.
            return withMarker(kept.substring(0, limit), Long.parseLong(marker.group(1))
                    + cutNow.getBytes(StandardCharsets.UTF_8).length, "bytes");
        }
        long before = cutBefore ? Long.parseLong(marker.group(1)) : 0;
        return withMarker(kept.substring(0, limit), before + cutNow.length(), "characters");
    }

    /**
     * Where the truncation marker at the end of {@code value} starts, which is where the text was
     * cut; -1 when it was not cut.
     */
    public static int cutAt(String value) {
        Matcher marker = MARKER.matcher(value);
        return marker.find() ? marker.start() : -1;
    }

    private static String withMarker(String kept, long dropped, String unit) {
        return kept + "\n…[truncated " + dropped + " " + unit + "]";
    }
}
