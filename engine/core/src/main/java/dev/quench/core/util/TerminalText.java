package dev.quench.core.util;

/**
 * Makes text from outside (alert labels, step output, messages) safe to print on a terminal.
 *
 * <p>An alert label is written by whoever can reach a webhook; printed raw, an {@code ESC [2J} clears
 * the operator's screen, a carriage return overwrites the start of a line with other text, and a
 * right-to-left override shows a command in another order than the one that ran. Every table and
 * detail view of the CLI prints such values through {@link #escape}: control characters (C0, DEL,
 * C1) and the Unicode bidirectional controls become visible escapes ({@code \e}, {@code \r},
 * {@code \x07}, {@code \u202e}). Backslashes are left as they are, so commands and paths read as
 * written. JSON output is not escaped: it is exact, and its encoder escapes control characters itself.
 *
 * <p>Stateless and thread-safe.
 */
public final class TerminalText {

    private TerminalText() {
    }

    /** The value's text with every control and bidirectional-control character shown as an escape. */
    public static String escape(Object value) {
        String text = String.valueOf(value);
        int first = firstUnsafe(text);
        if (first < 0) {
            return text;
        }
        StringBuilder escaped = new StringBuilder(text.length() + 8).append(text, 0, first);
        for (int index = first; index < text.length(); index++) {
            char character = text.charAt(index);
            if (!unsafe(character)) {
                escaped.append(character);
                continue;
            }
            switch (character) {
                case 0x1b -> escaped.append("\\e");
                case '\r' -> escaped.append("\\r");
                case '\n' -> escaped.append("\\n");
                case '\t' -> escaped.append("\\t");
                case 0 -> escaped.append("\\0");
                default -> escaped.append(character < 0x100
                        ? String.format("\\x%02x", (int) character)
                        : String.format("\\u%04x", (int) character));
            }
        }
        return escaped.toString();
    }

    private static int firstUnsafe(String text) {
        for (int index = 0; index < text.length(); index++) {
            if (unsafe(text.charAt(index))) {
                return index;
            }
        }
        return -1;
    }

    /** C0 controls, DEL, C1 controls, and the bidi marks, embeddings, overrides and isolates. */
    static boolean unsafe(char character) {
        return character < 0x20
                || (character >= 0x7f && character <= 0x9f)
                || character == 0x061c // ARABIC LETTER MARK
                || character == 0x200e || character == 0x200f // LRM, RLM
                || (character >= 0x202a && character <= 0x202e) // LRE, RLE, PDF, LRO, RLO
                || (character >= 0x2066 && character <= 0x2069); // LRI, RLI, FSI, PDI
    }
}
