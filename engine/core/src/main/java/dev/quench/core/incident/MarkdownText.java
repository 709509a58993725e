package dev.quench.core.incident;

/**
 * Untrusted text (alert labels, step output, messages) made inert for Markdown: it renders as the characters
 * it is, never as a heading, link, image, emphasis, list, table or HTML. Control characters (terminal escape
 * sequences among them) become U+FFFD, so a draft printed to a terminal cannot drive it. Thread-safe
 * (stateless).
 */
public final class MarkdownText {

    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private MarkdownText() {
    }

    /**
     * {@code text} as Markdown prose on one line: line breaks become spaces (no new block can start) and every
     * ASCII punctuation character is backslash-escaped (CommonMark allows escaping each of them), so no
     * {@code #}, {@code [}, {@code <}, {@code *}, {@code |} or {@code &} keeps a meaning.
     */
    public static String escape(String text) {
        String line = oneLine(text);
        StringBuilder escaped = new StringBuilder(line.length() + 16);
        for (int index = 0; index < line.length(); index++) {
            char character = line.charAt(index);
            if (PUNCTUATION.indexOf(character) >= 0) {
                escaped.append('\\');
            }
            escaped.append(character);
        }
        return escaped.toString();
    }

    /**
     * {@code text} as an inline code span on one line, delimited by one backtick more than its longest run of
     * backticks (so it cannot close the span early); nothing inside a code span is a link or HTML.
     */
    public static String code(String text) {
        String line = oneLine(text);
        if (line.isBlank()) {
            return "(empty)";
        }
        String fence = "`".repeat(longestRun(line, '`') + 1);
        return fence + " " + line + " " + fence;
    }

    /**
     * {@code text} as a fenced code block (lines kept), fenced by one backtick more than its longest run of
     * backticks (at least three), so no line inside can close it.
     */
    public static String block(String text) {
        String body = visible((text == null ? "" : text).replace("\r\n", "\n").replace('\r', '\n'));
        String fence = "`".repeat(Math.max(3, longestRun(body, '`') + 1));
        return fence + "text\n" + body + (body.endsWith("\n") ? "" : "\n") + fence + "\n";
    }

    private static String oneLine(String text) {
        return visible((text == null ? "" : text).replace("\r\n", " ").replace('\r', ' ').replace('\n', ' ')
                .replace('\t', ' ').replace('\u2028', ' ').replace('\u2029', ' '));
    }

    /** Control characters other than line feed and tab as U+FFFD. */
    private static String visible(String text) {
        StringBuilder out = null;
        for (int index = 0; index < text.length(); index++) {
            char character = text.charAt(index);
            boolean control = Character.isISOControl(character) && character != '\n' && character != '\t';
            if (control && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, index);
            }
            if (out != null) {
                out.append(control ? '\uFFFD' : character);
            }
        }
        return out == null ? text : out.toString();
    }

    private static int longestRun(String text, char of) {
        int longest = 0;
        int run = 0;
        for (int index = 0; index < text.length(); index++) {
            run = text.charAt(index) == of ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }
}
