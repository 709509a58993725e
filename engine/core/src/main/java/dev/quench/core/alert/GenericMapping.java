package dev.quench.core.alert;

import com.fasterxml.jackson.core.JsonPointer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a generic webhook's JSON keeps the parts of an alert, as JSON pointers (RFC 6901,
 * {@code /check/name}). Immutable.
 *
 * @param alerts         an array of alerts in the body, or null when the whole body is one alert
 * @param name           the alert's name (becomes the {@code alertname} label); required
 * @param status         the alert's status, or null (then every alert is firing)
 * @param resolvedValues values of {@code status} meaning resolved (compared ignoring case)
 * @param fingerprint    the alert's identity, or null (then a hash of the labels)
 * @param startsAt       when it started (RFC 3339, or epoch seconds or milliseconds), or null
 * @param labels         label name to pointer
 * @param labelsFrom     an object of string values merged into the labels, or null
 * @param annotations    annotation name to pointer
 */
public record GenericMapping(JsonPointer alerts, JsonPointer name, JsonPointer status, List<String> resolvedValues,
                             JsonPointer fingerprint, JsonPointer startsAt, Map<String, JsonPointer> labels,
                             JsonPointer labelsFrom, Map<String, JsonPointer> annotations) {

    /** Status values read as resolved unless configured otherwise. */
    public static final List<String> DEFAULT_RESOLVED_VALUES = List.of("resolved", "ok", "up", "normal", "closed");

    public GenericMapping {
        Objects.requireNonNull(name, "name");
        resolvedValues = resolvedValues == null ? DEFAULT_RESOLVED_VALUES : List.copyOf(resolvedValues);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public Optional<JsonPointer> alertsIfSet() {
        return Optional.ofNullable(alerts);
    }
}
