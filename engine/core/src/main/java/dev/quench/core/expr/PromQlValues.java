package dev.quench.core.expr;

import java.util.regex.Pattern;

/**
 * Inserts a value into a PromQL query being rendered ({@link RenderMode#PROMQL}): inside a quoted string it
 * is escaped for that string; inside a backtick string it may not hold a backtick; outside a string it must be
 * a name, number or duration. The context is read from the query rendered so far, whose inserted values
 * are already escaped, so only the runbook's own text opens and closes strings. Stateless.
 */
final class PromQlValues {

    /** What may stand outside a string: a metric or label name, a number ({@code 0.01}, {@code 1e3}), a duration ({@code 5m}). */
    private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_:.]+");
    private static final int SHOWN = 60;

    private PromQlValues() {
    }

    /**
     * {@code value} as it is inserted after {@code before}.
     *
     * @throws ExpressionException when the value cannot be inserted there safely
     */
    static String insert(CharSequence before, String expression, String value) {
        char quote = openQuote(before);
        if (quote == '"' || quote == '\'') {
            StringBuilder escaped = new StringBuilder(value.length() + 8);
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '\\' -> escaped.append("\\\\");
                    case '\n' -> escaped.append("\\n");
                    case '\r' -> escaped.append("\\r");
                    case '\t' -> escaped.append("\\t");
                    default -> {
                        if (c == quote) {
                            escaped.append('\\');
                        }
                        escaped.append(c);
                    }
                }
            }
            return escaped.toString();
        }
        if (quote == '`') {
            if (value.indexOf('`') >= 0) {
                throw new ExpressionException(expression, "inserted into a backtick string of a PromQL query, and its "
                        + "value holds a backtick, which would end the string: use a double-quoted string instead", null);
            }
            return value;
        }
        if (!BARE.matcher(value).matches()) {
            throw new ExpressionException(expression, "inserted outside a string of a PromQL query, where only a name, "
                    + "number or duration is safe, and its value is '" + shown(value) + "': put it inside quotes "
                    + "(job=\"${{ ... }}\"), or wrap it in raw(...) if where it comes from is trusted", null);
        }
        return value;
    }

    /** The quote character of the string {@code text} ends inside, or 0 outside any string. */
    private static char openQuote(CharSequence text) {
        char open = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (open == 0) {
                if (c == '"' || c == '\'' || c == '`') {
                    open = c;
                }
            } else if (c == '\\' && open != '`') {
                i++; // an escaped character never ends the string
            } else if (c == open) {
                open = 0;
            }
        }
        return open;
    }

    private static String shown(String value) {
        String printable = value.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= SHOWN ? printable : printable.substring(0, SHOWN) + "...";
    }
}
