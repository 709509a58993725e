package dev.quench.core.incident;

import dev.quench.core.alert.Alert;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The group an alert belongs to: the notification group its sender put it in ({@code groupKey} of an Alertmanager
 * webhook: {@code @alertmanager:{}/{severity="critical"}:{alertname="X"}}) when it sent one, else the values of the
 * configured {@code groupBy} labels it has ({@code instance=redis-1:6379}), or, when it has none of them, its own
 * identity (source and fingerprint). The sender's group wins: it is the grouping the operator configured in
 * Alertmanager's route, so two alerts of one instance in two groups are two incidents. A sender's key starts
 * with {@code @}, which no label key can (label names start with a letter or {@code _}), so a label value can
 * never make an alert join a sender's group. Immutable.
 *
 * @param key   the group key as stored (at most 1,024 characters)
 * @param title what the incident is called when this alert opens it ({@code RedisDown on instance=redis-1:6379})
 */
public record IncidentKey(String key, String title) {

    private static final int MAX_KEY = 1024;
    private static final int MAX_VALUE = 200;

    public IncidentKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(title, "title");
    }

    /** The group of {@code alert} under {@code settings}. */
    public static IncidentKey of(Alert alert, IncidentSettings settings) {
        String name = alert.name().isEmpty() ? "alert " + alert.fingerprint() : alert.name();
        if (!alert.groupKey().isEmpty()) {
            return new IncidentKey(cap("@" + alert.source() + ":" + alert.groupKey(), MAX_KEY),
                    cap(name, 300) + " in group " + cap(alert.groupKey(), 200));
        }
        List<String> parts = new ArrayList<>();
        for (String label : settings.groupBy()) {
            String value = alert.labels().get(label);
            if (value != null) {
                parts.add(label + "=" + cap(value, MAX_VALUE));
            }
        }
        if (parts.isEmpty()) {
            String own = "alert=" + alert.source() + "/" + alert.fingerprint();
            return new IncidentKey(cap(own, MAX_KEY), cap(name, 300));
        }
        String key = String.join(",", parts);
        return new IncidentKey(cap(key, MAX_KEY), cap(name, 300) + " on " + cap(key, 200));
    }

    private static String cap(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length);
    }
}
