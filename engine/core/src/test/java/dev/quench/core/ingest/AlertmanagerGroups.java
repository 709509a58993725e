package dev.quench.core.ingest;

import java.nio.charset.StandardCharsets;

/** Builds realistic Alertmanager version-4 bodies of any size. */
final class AlertmanagerGroups {

    private AlertmanagerGroups() {
    }

    static byte[] group(String alertname, int alerts, String status, int truncated) {
        StringBuilder body = new StringBuilder(alerts * 700 + 600);
        body.append("{\"receiver\":\"quench\",\"status\":\"").append(status).append("\",\"alerts\":[");
        for (int index = 0; index < alerts; index++) {
            if (index > 0) {
                body.append(',');
            }
            body.append("{\"status\":\"").append(status).append("\",\"labels\":{\"alertname\":\"").append(alertname)
                    .append("\",\"instance\":\"web-").append(index).append(":9100\",\"job\":\"node\",")
                    .append("\"severity\":\"critical\",\"mountpoint\":\"/var\",\"device\":\"/dev/sda1\",")
                    .append("\"fstype\":\"ext4\",\"team\":\"storage\",\"env\":\"prod\",\"region\":\"eu-west-1\"},")
                    .append("\"annotations\":{\"summary\":\"Disk /var on web-").append(index)
                    .append(" is 97% full\",\"description\":\"Filesystem /dev/sda1 mounted on /var has 3% space left; ")
                    .append("predicted to fill in 2h at the current rate.\",\"runbook_url\":")
                    .append("\"https://runbooks.example.internal/disk-space-low\"},")
                    .append("\"startsAt\":\"2026-11-21T10:00:00.000Z\",\"endsAt\":\"0001-01-01T00:00:00Z\",")
                    .append("\"generatorURL\":\"http://prometheus.example.internal:9090/graph?g0.expr=node_filesystem\",")
                    .append("\"fingerprint\":\"").append(alertname.hashCode()).append('-').append(index).append("\"}");
        }
        body.append("],\"groupLabels\":{\"alertname\":\"").append(alertname).append("\"},")
                .append("\"commonLabels\":{\"alertname\":\"").append(alertname).append("\"},\"commonAnnotations\":{},")
                .append("\"externalURL\":\"http://alertmanager.example.internal:9093\",\"version\":\"4\",")
                .append("\"groupKey\":\"{}:{alertname=\\\"").append(alertname).append("\\\"}\",")
                .append("\"truncatedAlerts\":").append(truncated).append('}');
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }
}
