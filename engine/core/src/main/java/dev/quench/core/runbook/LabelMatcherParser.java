package dev.quench.core.runbook;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.PatternSyntaxException;

/**
 * Parses one matcher in Alertmanager syntax: {@code alertname="DiskSpaceLow"},
 * {@code severity=~"warning|critical"}, {@code env!="dev"}, or with an unquoted value
 * {@code job=node}. Quoted values understand {@code \"}, {@code \\} and {@code \n}. Thread-safe.
 */
public final class LabelMatcherParser {

    private LabelMatcherParser() {
    }

    /**
     * Parses {@code text}.
     *
     * @throws MatcherSyntaxException with the 0-based column of the problem
     */
    public static LabelMatcher parse(String text) {
        Objects.requireNonNull(text, "text");
        int position = skipSpaces(text, 0);
        if (position == text.length()) {
            throw new MatcherSyntaxException("empty matcher: write it like alertname=\"DiskSpaceLow\"", text, 0);
        }
        int nameStart = position;
        if (!isNameStart(text.charAt(position))) {
            throw new MatcherSyntaxException("expected a label name at the start of matcher " + text
                    + " (letters, digits and _, not starting with a digit)", text, position);
        }
        while (position < text.length() && isNamePart(text.charAt(position))) {
            position++;
        }
        String name = text.substring(nameStart, position);
        position = skipSpaces(text, position);

        int operatorStart = position;
        MatchOperator operator = readOperator(text, position)
                .orElseThrow(() -> new MatcherSyntaxException("expected an operator (=, !=, =~, !~) after label name '"
                        + name + "'", text, operatorStart));
        position = skipSpaces(text, position + operator.symbol().length());

        String value;
        if (position < text.length() && text.charAt(position) == '"') {
            int[] end = new int[1];
            value = readQuoted(text, position, end);
            position = skipSpaces(text, end[0]);
            if (position < text.length()) {
                throw new MatcherSyntaxException("unexpected text after the closing quote in matcher " + text
                        + ": one matcher per list item", text, position);
            }
        } else {
            value = text.substring(position).strip();
            if (value.indexOf('"') >= 0) {
                throw new MatcherSyntaxException("a value with a quote must be quoted as a whole, like "
                        + name + operator.symbol() + "\"...\"", text, position + text.substring(position).indexOf('"'));
            }
        }
        try {
            return LabelMatcher.of(name, operator, value);
        } catch (PatternSyntaxException e) {
            throw new MatcherSyntaxException("invalid regex in matcher " + text.strip() + ": " + e.getDescription(),
                    text, operatorStart + operator.symbol().length(), e);
        }
    }

    private static Optional<MatchOperator> readOperator(String text, int position) {
        if (position >= text.length()) {
            return Optional.empty();
        }
        String two = text.substring(position, Math.min(position + 2, text.length()));
        for (String candidate : new String[] {"=~", "!~", "!="}) {
            if (two.equals(candidate)) {
                return MatchOperator.fromSymbol(candidate);
            }
        }
        return text.charAt(position) == '=' ? Optional.of(MatchOperator.EQUAL) : Optional.empty();
    }

    /** Reads a double-quoted value starting at {@code open}; stores the index after the closing quote in end[0]. */
    private static String readQuoted(String text, int open, int[] end) {
        StringBuilder value = new StringBuilder();
        int position = open + 1;
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c == '"') {
                end[0] = position + 1;
                return value.toString();
            }
            if (c == '\\') {
                if (position + 1 >= text.length()) {
                    break;
                }
                char escaped = text.charAt(position + 1);
                switch (escaped) {
                    case '"', '\\' -> value.append(escaped);
                    case 'n' -> value.append('\n');
                    // Regexes need their backslashes (\d, \.): keep unknown escapes as written.
                    default -> value.append('\\').append(escaped);
                }
                position += 2;
                continue;
            }
            value.append(c);
            position++;
        }
        throw new MatcherSyntaxException("missing closing quote in matcher " + text, text, open);
    }

    private static int skipSpaces(String text, int position) {
        while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
        return position;
    }

    private static boolean isNameStart(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || (c >= '0' && c <= '9');
    }
}
