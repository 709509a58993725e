package dev.quench.core.alert;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Parses any JSON body into alerts with a per-source {@link GenericMapping} (JSON pointers to the
 * name, status, labels, fingerprint and start). One bad alert rejects the whole body. Thread-safe
 * (stateless).
 */
public final class GenericPayload {

    private GenericPayload() {
    }

    /**
     * Parses {@code body} for {@code source}.
     *
     * @throws PayloadException saying which configured pointer found nothing usable, and where
     */
    public static Delivery parse(byte[] body, String source, GenericMapping mapping) throws PayloadException {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(mapping, "mapping");
        JsonNode root = AlertmanagerPayload.readObject(body, "a JSON object");
        List<Alert> alerts = new ArrayList<>();
        if (mapping.alertsIfSet().isPresent()) {
            JsonNode list = root.at(mapping.alerts());
            if (!list.isArray()) {
                throw new PayloadException("mapping.alerts " + mapping.alerts() + " is not a list in this body");
            }
            for (int index = 0; index < list.size(); index++) {
                alerts.add(alert(list.get(index), source, mapping, mapping.alerts() + "/" + index));
            }
        } else {
            alerts.add(alert(root, source, mapping, ""));
        }
        return Delivery.of(alerts);
    }

    private static Alert alert(JsonNode node, String source, GenericMapping mapping, String where)
            throws PayloadException {
        Map<String, String> labels = new LinkedHashMap<>();
        if (mapping.labelsFrom() != null) {
            JsonNode from = node.at(mapping.labelsFrom());
            if (!from.isMissingNode() && !from.isNull()) {
                labels.putAll(AlertmanagerPayload.stringMap(from, where + mapping.labelsFrom(), false, true));
            }
        }
        for (Map.Entry<String, JsonPointer> label : mapping.labels().entrySet()) {
            optionalText(node, label.getValue(), where).ifPresent(value -> labels.put(label.getKey(), value));
        }
        String name = optionalText(node, mapping.name(), where).filter(value -> !value.isBlank())
                .orElseThrow(() -> new PayloadException("the alert name " + where + mapping.name()
                        + " (mapping.name) is missing or empty"));
        labels.put("alertname", name);
        Map<String, String> annotations = new LinkedHashMap<>();
        for (Map.Entry<String, JsonPointer> annotation : mapping.annotations().entrySet()) {
            optionalText(node, annotation.getValue(), where).ifPresent(value -> annotations.put(annotation.getKey(), value));
        }
        AlertStatus status = AlertStatus.FIRING;
        if (mapping.status() != null) {
            String text = optionalText(node, mapping.status(), where).orElse("firing").strip().toLowerCase(Locale.ROOT);
            boolean resolved = mapping.resolvedValues().stream().anyMatch(value -> value.equalsIgnoreCase(text));
            status = resolved ? AlertStatus.RESOLVED : AlertStatus.FIRING;
        }
        String fingerprint = mapping.fingerprint() == null ? null
                : optionalText(node, mapping.fingerprint(), where).filter(value -> !value.isBlank()).orElse(null);
        if (fingerprint == null) {
            fingerprint = AlertmanagerPayload.fingerprintOf(labels);
        }
        Instant startsAt = mapping.startsAt() == null ? null : time(node.at(mapping.startsAt()), where + mapping.startsAt());
        return new Alert(source, fingerprint, status, labels, annotations, startsAt, null, "");
    }

    private static java.util.Optional<String> optionalText(JsonNode node, JsonPointer pointer, String where)
            throws PayloadException {
        JsonNode value = node.at(pointer);
        if (value.isMissingNode() || value.isNull()) {
            return java.util.Optional.empty();
        }
        if (!value.isValueNode()) {
            throw new PayloadException(where + pointer + " must be a string, number or boolean, was " + value.getNodeType()
                    .name().toLowerCase(Locale.ROOT));
        }
        return java.util.Optional.of(value.asText());
    }

    private static Instant time(JsonNode node, String where) throws PayloadException {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            if (!node.canConvertToLong()) {
                throw new PayloadException(where + " is not a usable epoch time: " + node);
            }
            long value = node.asLong();
            try {
                return value > 100_000_000_000L ? Instant.ofEpochMilli(value) : Instant.ofEpochSecond(value);
            } catch (java.time.DateTimeException e) {
                throw new PayloadException(where + " is not a usable epoch time: " + node, e);
            }
        }
        try {
            return Rfc3339.parse(node.asText());
        } catch (DateTimeParseException e) {
            throw new PayloadException(where + " is not an RFC 3339 time or epoch seconds/milliseconds: " + node, e);
        }
    }
}
