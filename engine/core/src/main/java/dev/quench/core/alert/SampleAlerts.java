package dev.quench.core.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads sample alerts for {@code quench run --alert} and runbook tests: either a whole
 * Alertmanager webhook body (JSON, {@code version: "4"}), or one alert written by hand in YAML or
 * JSON ({@code labels}, {@code annotations}, {@code status}, {@code fingerprint}, {@code startsAt}).
 */
public final class SampleAlerts {

    private SampleAlerts() {
    }

    /**
     * The alerts in {@code file}.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static List<Alert> read(Path file) {
        try {
            byte[] content = Files.readAllBytes(file);
            JsonNode root = Json.yaml().readTree(content);
            if (root != null && root.has("alerts")) {
                return AlertmanagerPayload.parse(content).alerts();
            }
            return List.of(fromNode(root, file.toString()));
        } catch (PayloadException | JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not an alert: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the alert file: " + e.getMessage(), e);
        }
    }

    /**
     * One alert written by hand: {@code labels} (required), {@code annotations}, {@code status}
     * (firing by default), {@code fingerprint} (derived from the labels by default), {@code startsAt}.
     *
     * @param where names the place in messages
     */
    public static Alert fromNode(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(where + ": an alert must be a mapping with labels: (and optionally "
                    + "annotations:, status:, fingerprint:, startsAt:)");
        }
        Map<String, String> labels = strings(node.get("labels"), where + ": labels");
        if (labels.isEmpty()) {
            throw new IllegalArgumentException(where + ": an alert needs labels, like labels: {alertname: DiskSpaceLow}");
        }
        Map<String, String> annotations = strings(node.get("annotations"), where + ": annotations");
        String statusText = node.path("status").asText("firing");
        AlertStatus status = switch (statusText) {
            case "firing" -> AlertStatus.FIRING;
            case "resolved" -> AlertStatus.RESOLVED;
            default -> throw new IllegalArgumentException(where + ": status must be firing or resolved, found '"
                    + statusText + "'");
        };
        String fingerprint = node.hasNonNull("fingerprint") ? node.get("fingerprint").asText()
                : Integer.toHexString(new TreeMap<>(labels).toString().hashCode());
        Instant startsAt = null;
        if (node.hasNonNull("startsAt")) {
            try {
                startsAt = Instant.parse(node.get("startsAt").asText());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(where + ": startsAt must be a time like 2026-11-20T02:58:14Z", e);
            }
        }
        return new Alert("sample", fingerprint, status, labels, annotations, startsAt, null, "");
    }

    private static Map<String, String> strings(JsonNode node, String where) {
        Map<String, String> values = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return values;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + " must be a mapping of names to text");
        }
        node.properties().forEach(entry -> values.put(entry.getKey(), entry.getValue().asText()));
        return values;
    }
}
