package dev.quench.core.exec;

import java.util.List;

/**
 * The last lines of a failed step's standard error, for the run's error ({@code run.error} and the
 * run's message): "exit 1" alone does not say "Connection refused". Bounded so that a failure
 * notification stays short, and flattened to one line (control characters become spaces, lines
 * are joined with {@code " | "}) so that output from a target cannot forge log lines. Stateless.
 */
final class StderrTail {

    /** Lines kept from the end of stderr. */
    static final int MAX_LINES = 5;
    /** Characters kept at most, the leading ellipsis of a cut tail included. */
    static final int MAX_CHARS = 500;

    private StderrTail() {
    }

    /**
     * The tail of {@code stderr} (already masked), or an empty string when there is none.
     */
    static String of(String stderr) {
        if (stderr == null || stderr.isBlank()) {
            return "";
        }
        List<String> lines = stderr.lines().map(StderrTail::flatten).filter(line -> !line.isBlank()).toList();
        String tail = String.join(" | ", lines.subList(Math.max(0, lines.size() - MAX_LINES), lines.size()));
        if (tail.length() <= MAX_CHARS) {
            return tail;
        }
        int start = tail.length() - (MAX_CHARS - 1);
        if (Character.isLowSurrogate(tail.charAt(start))) {
            start++; // never cut a character in two
        }
        return "…" + tail.substring(start);
    }

    /** {@code error} with the tail of {@code stderr} appended as {@code "; stderr: ..."}. */
    static String append(String error, String stderr) {
        String tail = of(stderr);
        return tail.isEmpty() ? error : error + "; stderr: " + tail;
    }

    private static String flatten(String line) {
        StringBuilder flat = new StringBuilder(line.length());
        line.codePoints().forEach(codePoint -> flat.appendCodePoint(Character.isISOControl(codePoint) ? ' ' : codePoint));
        return flat.toString().strip();
    }
}
