package dev.quench.core.expr;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The functions expressions can call without a prefix: {@code host}, {@code trim}, {@code toInt},
 * {@code orDefault} and {@code raw}, plus JEXL's own {@code size} and {@code empty}.
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
            throw new IllegalArgumentException("toInt: '" + value + "' is not a whole number in the int range", e);
        }
    }

    /** {@code value}, or {@code fallback} when it is null or the empty string (a label that is not set). */
    public static Object orDefault(Object value, Object fallback) {
        return value == null || "".equals(value) ? fallback : value;
    }

    /** {@code value} marked to be inserted into a shell command without quoting. */
    public static RawText raw(Object value) {
        return new RawText(value == null ? "" : value.toString());
    }
}
