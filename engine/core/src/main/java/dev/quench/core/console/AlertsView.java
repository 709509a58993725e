package dev.quench.core.console;

import dev.quench.core.store.AlertPage;
import dev.quench.core.store.ListedAlert;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the alerts page shows: the filter as given, why it was refused (if it was), one page of alerts with
 * the runs each started, and the links to the next and the newest page. Immutable.
 *
 * @param form      the filter as the user filled it in
 * @param error     why the filter was refused, or null
 * @param page      the alerts (an empty page when the filter was refused)
 * @param team      the team a team-scoped token sees, or null
 * @param paged     whether this is a later page (it has a {@code before} cursor)
 */
public record AlertsView(AlertFilterForm form, String error, AlertPage page, String team, boolean paged) {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    public AlertsView {
        Objects.requireNonNull(form, "form");
        Objects.requireNonNull(page, "page");
    }

    public List<ListedAlert> alerts() {
        return page.alerts();
    }

    /** The link to the next (older) page, if there is one. */
    public Optional<String> older() {
        return page.next().map(form::olderThan);
    }

    public String newest() {
        return form.newest();
    }

    /** A time as the console shows it: {@code 2026-11-20 03:00:12 UTC}; a dash when unknown. */
    public static String time(Instant instant) {
        return instant == null ? "–" : TIME.format(instant);
    }

    /** The alert's labels but its name, {@code key=value} separated by spaces, sorted by key. */
    public static String labels(ListedAlert listed) {
        Map<String, String> labels = listed.stored().alert().labels();
        return labels.entrySet().stream().filter(entry -> !entry.getKey().equals("alertname"))
                .sorted(Map.Entry.comparingByKey())
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining(" "));
    }

    /** Whether a runbook matched the alert: {@code matched}, {@code unmatched}, or {@code pending} while not yet matched. */
    public static String handling(ListedAlert listed) {
        if (!listed.stored().processed()) {
            return "pending";
        }
        return listed.stored().matchedRunbooks() > 0 ? "matched" : "unmatched";
    }
}
