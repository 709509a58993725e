package dev.quench.core.expr;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The functions expressions can call without a prefix: {@code host}, {@code trim}, {@code toInt},
 * {@code orDefault}, {@code json}, {@code matches}, {@code regexFind} and {@code raw}, plus JEXL's
 * own {@code size} and {@code empty}.
 *
 * <p>{@code default(x, fallback)} cannot exist: {@code default} is a reserved word in JEXL 3.6
 * (switch statements), so the function is {@code orDefault}; {@code x ?? fallback} works too.
 * Public only because JEXL calls these methods reflectively. Thread-safe.
 */
public final class ExpressionFunctions {

    private ExpressionFunctions() {
    }

    /**
     * The host part of an Alertmanager {@code instance}: {@code web-7:9100} becomes {@code web-7},
     * {@code [::1]:9100} becomes {@code ::1}; a bare IPv6 address or a name without port is kept.
     */
    public static String host(Object value) {
        if (value == null) {
            return null;
        }
        String text = value.toString().strip();
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            return close > 0 ? text.substring(1, close) : text;
        }
        int colon = text.indexOf(':');
        // More than one colon is an IPv6 address without brackets: there is no port to strip.
        if (colon >= 0 && colon == text.lastIndexOf(':')) {
            return text.substring(0, colon);
        }
        return text;
    }

    /** {@code value} without leading and trailing white space; null stays null. */
    public static String trim(Object value) {
        return value == null ? null : value.toString().strip();
    }

    /**
     * {@code value} as an int: numbers without a fraction and text like {@code " 42 "}.
     *
     * @throws IllegalArgumentException for anything else, saying what the value was
     */
    public static Integer toInt(Object value) {
        if (value == null) {
            throw new IllegalArgumentException("toInt: the value is null (a missing label or output?)");
        }
        try {
            BigDecimal number = value instanceof Number n ? new BigDecimal(n.toString()) : new BigDecimal(value.toString().strip());
            BigInteger whole = number.toBigIntegerExact();
            return whole.intValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            // The value is not quoted: it may be a secret, and this message is recorded and logged.
            throw new IllegalArgumentException("toInt: the value (" + describe(value)
                    + ") is not a whole number in the int range", e);
        }
    }

    /** {@code value}, or {@code fallback} when it is null or the empty string (a label that is not set). */
    public static Object orDefault(Object value, Object fallback) {
        return value == null || "".equals(value) ? fallback : value;
    }

    /**
     * {@code text} parsed as JSON into plain maps, lists, text, numbers, booleans and null.
     *
     * @throws IllegalArgumentException when it is not JSON, saying where
     */
    public static Object json(Object text) {
        if (text == null) {
            throw new IllegalArgumentException("json: the text is null (a missing output or label?)");
        }
        return JsonText.parse("json", text.toString());
    }

    /** Whether {@code regex} matches somewhere in {@code text} (use ^...$ to match all of it); null text is false. */
    public static boolean matches(Object text, Object regex) {
        return text != null && RegexFunctions.matcher("matches", text, regex).find();
    }

    /** The first match of {@code regex} in {@code text}, or null when there is none. */
    public static String regexFind(Object text, Object regex) {
        return regexFind(text, regex, 0);
    }

    /**
     * Group {@code group} (a number, or a name of a {@code (?<name>...)} group) of the first match of
     * {@code regex} in {@code text}, or null when there is no match.
     */
    public static String regexFind(Object text, Object regex, Object group) {
        if (text == null) {
            return null;
        }
        java.util.regex.Matcher matcher = RegexFunctions.matcher("regexFind", text, regex);
        if (!matcher.find()) {
            return null;
        }
        try {
            return group instanceof Number number ? matcher.group(number.intValue()) : matcher.group(String.valueOf(group));
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new IllegalArgumentException("regexFind: the regex has no group " + group
                    + " (it has " + matcher.groupCount() + " numbered groups)", e);
        }
    }

    /**
     * What an error may say about a value without quoting it: a number as is, text by its length
     * only. Expression errors go into run records and logs, and the text may be a secret or part of
     * one ({@code toInt(secrets.port)}, {@code json(secrets.x)}).
     */
    static String describe(Object value) {
        if (value instanceof Number number) {
            return number.toString();
        }
        String text = String.valueOf(value);
        return "text of " + text.length() + (text.length() == 1 ? " character" : " characters")
                + ", not shown as it may hold a secret";
    }

    /** {@code value} marked to be inserted into a shell command without quoting. */
    public static RawText raw(Object value) {
        return new RawText(value == null ? "" : value.toString());
    }
}
