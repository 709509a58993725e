package dev.quench.core.alert;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parses a Prometheus Alertmanager webhook body (payload version 4) into alerts. Nothing is
 * accepted partially: one bad alert rejects the whole body, so the sender sees the error.
 * Thread-safe (stateless).
 */
public final class AlertmanagerPayload {

    /** The source name recorded with alerts from this webhook. */
    public static final String SOURCE = "alertmanager";

    /** Alertmanager's zero time, sent as endsAt of a firing alert. */
    private static final Instant ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

    private AlertmanagerPayload() {
    }

    /** The alerts of one webhook body and the group fields that came with them. */
    public record Notification(String groupKey, String receiver, int truncatedAlerts, List<Alert> alerts) {
    }

    /**
     * Parses {@code body}.
     *
     * @throws PayloadException saying what is wrong and where ({@code alerts[1].labels.instance})
     */
    public static Notification parse(byte[] body) throws PayloadException {
        JsonNode root = readObject(body, "an Alertmanager webhook payload");
        JsonNode version = root.get("version");
        if (version == null || !"4".equals(version.asText())) {
            throw new PayloadException("unsupported Alertmanager payload version " + (version == null ? "(missing)" : version)
                    + ": Quench reads version \"4\" (Alertmanager 0.x webhook_config)");
        }
        JsonNode alerts = root.get("alerts");
        if (alerts == null || !alerts.isArray()) {
            throw new PayloadException("field 'alerts' is missing or not a list: not an Alertmanager webhook payload");
        }
        // The group the alerts came in, kept with each of them (incidents follow it); hostile text, bounded here.
        JsonNode groupKeyNode = root.get("groupKey");
        String groupKey = groupKeyNode != null && groupKeyNode.isTextual()
                ? GroupKeys.capped(groupKeyNode.asText()) : "";
        List<Alert> parsed = parseAlerts(alerts, SOURCE, groupKey);
        return new Notification(groupKey, root.path("receiver").asText(""),
                root.path("truncatedAlerts").asInt(0), parsed);
    }

    /**
     * Reads {@code body} as exactly one JSON object, or says why it is not one: malformed, nested
     * deeper than any alert payload, or followed by more bytes.
     */
    static JsonNode readObject(byte[] body, String what) throws PayloadException {
        JsonNode root;
        try (JsonParser parser = Json.json().createParser(body)) {
            try {
                root = Json.json().readTree(parser);
            } catch (StreamConstraintsException e) {
                throw new PayloadException("body nests deeper than "
                        + Json.json().getFactory().streamReadConstraints().getMaxNestingDepth() + " levels ("
                        + place(parser.currentLocation()) + "): alert payloads are a few levels deep", e);
            } catch (JsonProcessingException e) {
                throw new PayloadException("body is not valid JSON: " + e.getOriginalMessage()
                        + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + " column "
                        + e.getLocation().getColumnNr()), e);
            }
            if (root != null && !root.isMissingNode()) {
                requireEnd(parser);
            }
        } catch (IOException e) {
            throw new PayloadException("body cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new PayloadException("body is not " + what + ": expected a JSON object");
        }
        return root;
    }

    /** A second document, or any other bytes after the first, is refused: a sender bug that would hide alerts. */
    private static void requireEnd(JsonParser parser) throws PayloadException, IOException {
        JsonLocation after = parser.currentLocation();
        try {
            if (parser.nextToken() == null) {
                return;
            }
            after = parser.currentTokenLocation();
        } catch (JsonProcessingException e) {
            after = e.getLocation() == null ? after : e.getLocation();
        }
        throw new PayloadException("body goes on after its JSON document (" + place(after)
                + "): send exactly one JSON object");
    }

    private static String place(JsonLocation location) {
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** The {@code alerts} list shared by Alertmanager and Grafana, for {@code source}. */
    static List<Alert> parseAlerts(JsonNode alerts, String source) throws PayloadException {
        return parseAlerts(alerts, source, "");
    }

    private static List<Alert> parseAlerts(JsonNode alerts, String source, String groupKey) throws PayloadException {
        List<Alert> parsed = new ArrayList<>(alerts.size());
        for (int index = 0; index < alerts.size(); index++) {
            parsed.add(parseAlert(alerts.get(index), "alerts[" + index + "]", source, groupKey));
        }
        return parsed;
    }

    private static Alert parseAlert(JsonNode node, String where, String source, String groupKey)
            throws PayloadException {
        if (!node.isObject()) {
            throw new PayloadException(where + " is not an object");
        }
        String statusText = node.path("status").asText(null);
        AlertStatus status = AlertStatus.parse(statusText).orElseThrow(() -> new PayloadException(
                where + ".status must be \"firing\" or \"resolved\", was " + node.get("status")));
        Map<String, String> labels = stringMap(node.get("labels"), where + ".labels", true, false);
        if (!labels.containsKey("alertname")) {
            throw new PayloadException(where + ".labels has no 'alertname'");
        }
        if (labels.get("alertname").isBlank()) {
            throw new PayloadException(where + ".labels.alertname is " + (labels.get("alertname").isEmpty() ? "empty" : "blank")
                    + ": every alert needs a name");
        }
        Map<String, String> annotations = stringMap(node.get("annotations"), where + ".annotations", false, false);
        String fingerprint = node.hasNonNull("fingerprint") && !node.get("fingerprint").asText().isEmpty()
                ? node.get("fingerprint").asText() : fingerprintOf(labels);
        return new Alert(source, fingerprint, status, labels, annotations,
                time(node.get("startsAt"), where + ".startsAt"),
                time(node.get("endsAt"), where + ".endsAt"),
                node.path("generatorURL").asText(""), groupKey);
    }

    /**
     * An object of strings. Labels and annotations are strings in Alertmanager's model, so a number or
     * a boolean is refused unless {@code scalarsAsText} (generic sources, whose JSON is anyone's).
     */
    static Map<String, String> stringMap(JsonNode node, String where, boolean required, boolean scalarsAsText)
            throws PayloadException {
        if (node == null || node.isNull()) {
            if (required) {
                throw new PayloadException(where + " is missing");
            }
            return Map.of();
        }
        if (!node.isObject()) {
            throw new PayloadException(where + " must be an object of strings");
        }
        Map<String, String> values = new Alert.Fresh(); // handed to one Alert, or copied from
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            JsonNode value = entry.getValue();
            if (!value.isTextual() && !(scalarsAsText && value.isValueNode() && !value.isNull())) {
                int dot = where.lastIndexOf('.');
                throw notAString(where + "." + entry.getKey(), value, dot < 0 ? "labels" : where.substring(dot + 1));
            }
            values.put(entry.getKey(), value.asText());
        }
        return values;
    }

    private static PayloadException notAString(String where, JsonNode value, String kind) {
        String model = ": " + kind + " are strings in Alertmanager's model";
        if (value.isNumber() || value.isBoolean()) {
            return new PayloadException(where + " must be a string, not the " + (value.isNumber() ? "number " : "boolean ")
                    + value.asText() + model + "; send \"" + value.asText() + "\"");
        }
        String type = value.isNull() ? "null" : value.isArray() ? "a list" : value.isObject() ? "an object" : "binary data";
        return new PayloadException(where + " must be a string, not " + type + model);
    }

    static Instant time(JsonNode node, String where) throws PayloadException {
        if (node == null || node.isNull() || node.asText().isEmpty()) {
            return null;
        }
        try {
            Instant instant = Rfc3339.parse(node.asText());
            return instant.equals(ZERO_TIME) || instant.isBefore(Instant.EPOCH) ? null : instant;
        } catch (DateTimeParseException e) {
            throw new PayloadException(where + " is not an RFC 3339 time: " + node, e);
        }
    }

    /** A stable fingerprint from the labels, for senders that do not send one. */
    static String fingerprintOf(Map<String, String> labels) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            new TreeMap<>(labels).forEach((name, value) -> {
                digest.update(name.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(value.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            });
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
