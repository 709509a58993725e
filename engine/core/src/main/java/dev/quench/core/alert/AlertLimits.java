package dev.quench.core.alert;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Size limits on an alert, checked before anything is stored, so one oversized alert is a clear
 * 400 rather than a store error the sender would retry for ever. Immutable.
 *
 * @param maxLabels          labels per alert
 * @param maxNameLength      characters in a label or annotation name
 * @param maxLabelValueLength characters in a label value
 * @param maxAnnotationValueLength characters in an annotation value
 */
public record AlertLimits(int maxLabels, int maxNameLength, int maxLabelValueLength, int maxAnnotationValueLength) {

    /** Generous for real senders (Prometheus rules rarely pass 30 labels), small enough to bound a storm's memory. */
    public static final AlertLimits DEFAULT = new AlertLimits(128, 256, 4096, 65_536);

    /** Store column widths: longer values could not be recorded. */
    static final int MAX_FINGERPRINT_LENGTH = 256;
    static final int MAX_ALERTNAME_LENGTH = 512;
    /** Times the store can hold on H2 and PostgreSQL alike. */
    static final java.time.Instant LATEST_TIME = java.time.Instant.parse("9999-12-31T23:59:59Z");

    /**
     * Checks every alert.
     *
     * @throws PayloadException naming the first alert and label over a limit
     */
    public void check(List<Alert> alerts) throws PayloadException {
        for (int index = 0; index < alerts.size(); index++) {
            Alert alert = alerts.get(index);
            String where = "alerts[" + index + "]";
            if (alert.labels().size() > maxLabels) {
                throw new PayloadException(where + " has " + alert.labels().size() + " labels; the limit is " + maxLabels);
            }
            if (alert.fingerprint().length() > MAX_FINGERPRINT_LENGTH) {
                throw new PayloadException(where + ".fingerprint is longer than " + MAX_FINGERPRINT_LENGTH + " characters");
            }
            if (alert.name().length() > MAX_ALERTNAME_LENGTH) {
                throw new PayloadException(where + ".labels.alertname is longer than " + MAX_ALERTNAME_LENGTH + " characters");
            }
            checkTime(alert.startsAt(), where + ".startsAt");
            checkTime(alert.endsAt(), where + ".endsAt");
            checkText(alert.fingerprint(), where + ".fingerprint");
            checkText(alert.generatorUrl(), where + ".generatorURL");
            checkText(alert.groupKey(), "groupKey");
            checkMap(alert.labels(), where + ".labels", maxLabelValueLength);
            checkMap(alert.annotations(), where + ".annotations", maxAnnotationValueLength);
        }
    }

    private static void checkTime(java.time.Instant time, String where) throws PayloadException {
        if (time != null && (time.isAfter(LATEST_TIME) || time.isBefore(java.time.Instant.EPOCH))) {
            throw new PayloadException(where + " " + time + " is outside 1970-01-01 to 9999-12-31");
        }
    }

    /** PostgreSQL text cannot hold NUL; refusing it everywhere keeps both stores alike. */
    private static void checkText(String text, String where) throws PayloadException {
        if (text.indexOf((char) 0) >= 0) {
            throw new PayloadException(where + " contains a NUL character (\\u0000)");
        }
    }

    private void checkMap(Map<String, String> values, String where, int maxValueLength) throws PayloadException {
        for (Map.Entry<String, String> entry : values.entrySet()) {
            checkText(entry.getKey(), where);
            if (entry.getValue().indexOf((char) 0) >= 0) {
                checkText(entry.getValue(), where + "." + entry.getKey()); // the message is built only to refuse
            }
            if (entry.getKey().length() > maxNameLength) {
                throw new PayloadException(where + " has a name longer than " + maxNameLength + " characters: '"
                        + entry.getKey().substring(0, 40) + "...'");
            }
            if (entry.getValue().length() > maxValueLength) {
                throw new PayloadException(where + "." + entry.getKey() + " is longer than " + maxValueLength
                        + " characters (" + entry.getValue().getBytes(StandardCharsets.UTF_8).length + " bytes)");
            }
        }
    }
}
