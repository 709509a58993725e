package dev.quench.core.alert;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a PagerDuty v3 webhook body. {@code incident.triggered} becomes a firing alert and
 * {@code incident.resolved} a resolved one, fingerprinted by the incident id, labelled from the
 * incident ({@code alertname} is its title); other event types (acknowledged, annotated, pings)
 * are accepted and carry no alert. Thread-safe (stateless).
 */
public final class PagerDutyPayload {

    /** The source name recorded with alerts from this webhook. */
    public static final String SOURCE = "pagerduty";

    private PagerDutyPayload() {
    }

    /**
     * Parses {@code body}.
     *
     * @param webhookId the {@code X-Webhook-Id} header, or null
     * @throws PayloadException saying what is wrong and where ({@code event.data.id})
     */
    public static Delivery parse(byte[] body, String webhookId) throws PayloadException {
        JsonNode root = AlertmanagerPayload.readObject(body, "a PagerDuty v3 webhook payload");
        JsonNode event = root.get("event");
        if (event == null || !event.isObject()) {
            throw new PayloadException("field 'event' is missing or not an object: not a PagerDuty v3 webhook payload");
        }
        String type = text(event, "event_type", "event");
        AlertStatus status = switch (type) {
            case "incident.triggered" -> AlertStatus.FIRING;
            case "incident.resolved" -> AlertStatus.RESOLVED;
            default -> null;
        };
        if (status == null) {
            return new Delivery(List.of(), webhookId, 0, "event type " + type + " carries no alert for Quench");
        }
        JsonNode data = event.get("data");
        if (data == null || !data.isObject()) {
            throw new PayloadException("event.data is missing or not an object");
        }
        String incidentId = text(data, "id", "event.data");
        String title = data.path("title").asText("");
        String incidentKey = data.path("incident_key").asText("");
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", !title.isEmpty() ? title : !incidentKey.isEmpty() ? incidentKey : incidentId);
        put(labels, "incident_key", incidentKey);
        put(labels, "incident_id", incidentId);
        put(labels, "incident_number", data.path("number").asText(""));
        put(labels, "service", data.path("service").path("summary").asText(""));
        put(labels, "service_id", data.path("service").path("id").asText(""));
        put(labels, "urgency", data.path("urgency").asText(""));
        put(labels, "priority", data.path("priority").path("summary").asText(""));
        put(labels, "escalation_policy", data.path("escalation_policy").path("summary").asText(""));
        JsonNode teams = data.path("teams");
        if (teams.isArray() && !teams.isEmpty()) {
            put(labels, "team", teams.get(0).path("summary").asText(""));
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        put(annotations, "summary", title);
        put(annotations, "event_id", event.path("id").asText(""));
        put(annotations, "resolve_reason", data.path("resolve_reason").asText(""));
        Instant startsAt = time(data.get("created_at"), "event.data.created_at");
        Instant endsAt = status == AlertStatus.RESOLVED ? time(event.get("occurred_at"), "event.occurred_at") : null;
        Alert alert = new Alert(SOURCE, incidentId, status, labels, annotations, startsAt, endsAt,
                data.path("html_url").asText(""));
        return new Delivery(List.of(alert), webhookId, 0, "");
    }

    private static String text(JsonNode node, String field, String where) throws PayloadException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new PayloadException(where + "." + field + " is missing or not a string");
        }
        return value.asText();
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null && !value.isEmpty() && !"null".equals(value)) {
            map.put(key, value);
        }
    }

    private static Instant time(JsonNode node, String where) throws PayloadException {
        if (node == null || node.isNull() || node.asText().isEmpty()) {
            return null;
        }
        try {
            return Rfc3339.parse(node.asText());
        } catch (DateTimeParseException e) {
            throw new PayloadException(where + " is not an RFC 3339 time: " + node, e);
        }
    }
}
