package dev.quench.core.alert;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Parses a Grafana webhook contact point body (Grafana-managed alerting, payload version 1): an
 * Alertmanager-shaped {@code alerts} list plus Grafana's extras. As with Alertmanager, one bad
 * alert rejects the whole body. Thread-safe (stateless).
 */
public final class GrafanaPayload {

    /** The source name recorded with alerts from this webhook. */
    public static final String SOURCE = "grafana";

    private GrafanaPayload() {
    }

    /**
     * Parses {@code body}.
     *
     * @throws PayloadException saying what is wrong and where ({@code alerts[0].status})
     */
    public static Delivery parse(byte[] body) throws PayloadException {
        JsonNode root = AlertmanagerPayload.readObject(body, "a Grafana webhook payload");
        JsonNode alerts = root.get("alerts");
        if (alerts == null || !alerts.isArray()) {
            throw new PayloadException("field 'alerts' is missing or not a list: not a Grafana webhook payload"
                    + " (configure a Grafana 'Webhook' contact point pointing at /hooks/grafana)");
        }
        List<Alert> parsed = AlertmanagerPayload.parseAlerts(alerts, SOURCE);
        return new Delivery(parsed, null, root.path("truncatedAlerts").asInt(0), "");
    }
}
