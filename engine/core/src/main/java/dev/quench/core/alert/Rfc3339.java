package dev.quench.core.alert;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * RFC 3339 times as senders write them ({@code 2026-11-20T02:58:14.117Z},
 * {@code 2026-11-20T03:58:14+01:00}). The common shapes are read directly — an alert storm parses
 * two per alert, and {@link OffsetDateTime#parse}'s general machinery cost more than the rest of the
 * alert — and anything else goes to {@link OffsetDateTime#parse}, which decides and explains. Stateless.
 */
final class Rfc3339 {

    private Rfc3339() {
    }

    /** @throws DateTimeParseException when {@code text} is not an RFC 3339 date-time with an offset */
    static Instant parse(String text) {
        Instant fast = fast(text);
        return fast != null ? fast : OffsetDateTime.parse(text).toInstant();
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|±HH:mm)}, or null for any other shape or an invalid value. */
    private static Instant fast(String text) {
        int length = text.length();
        if (length < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return null;
        }
        int at = 19;
        int nanos = 0;
        if (text.charAt(at) == '.') {
            int start = ++at;
            while (at < length && at - start < 9 && isAsciiDigit(text.charAt(at))) {
                nanos = nanos * 10 + (text.charAt(at++) - '0');
            }
            if (at == start || (at < length && isAsciiDigit(text.charAt(at)))) {
                return null;
            }
            for (int scale = at - start; scale < 9; scale++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        if (at == length - 1 && text.charAt(at) == 'Z') {
            offsetSeconds = 0;
        } else if (at == length - 6 && (text.charAt(at) == '+' || text.charAt(at) == '-') && text.charAt(at + 3) == ':') {
            int offsetHours = digits(text, at + 1, 2);
            int offsetMinutes = digits(text, at + 4, 2);
            if (offsetHours < 0 || offsetHours > 18 || offsetMinutes < 0 || offsetMinutes > 59) {
                return null;
            }
            offsetSeconds = (text.charAt(at) == '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
        } else {
            return null;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay(); // refuses 2026-02-30
        } catch (DateTimeException e) {
            return null;
        }
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second - offsetSeconds, nanos);
    }

    /** Only 0-9: {@link Character#isDigit} also takes other scripts' digits, which RFC 3339 does not. */
    private static boolean isAsciiDigit(char character) {
        return character >= '0' && character <= '9';
    }

    /** The decimal number in {@code text[from, from + count)}, or -1 when it is not all ASCII digits. */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int index = from; index < from + count; index++) {
            char digit = text.charAt(index);
            if (!isAsciiDigit(digit)) {
                return -1;
            }
            value = value * 10 + (digit - '0');
        }
        return value;
    }
}
