package dev.quench.core.console;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the toil page's template gets: the ledger's figures, the form's choices and the chart's data. Immutable.
 *
 * @param toil      the figures
 * @param weeks     how many weeks were asked for
 * @param chosen    the teams asked for (empty: every team)
 * @param error     why the form was refused (the default view is shown instead), or null
 * @param chartJson the chart's data for {@code toil-chart.js}
 */
public record ToilPageView(ToilView toil, int weeks, Set<String> chosen, String error, String chartJson) {

    /** The choices of the form's weeks field. */
    public static final List<Integer> WEEK_CHOICES = List.of(4, 8, 12, 26);

    public ToilPageView {
        Objects.requireNonNull(toil, "toil");
        chosen = Set.copyOf(chosen);
        Objects.requireNonNull(chartJson, "chartJson");
    }

    public List<Integer> weekChoices() {
        return WEEK_CHOICES;
    }

    public boolean chosen(String team) {
        return chosen.contains(team);
    }

    /** The alerts page listing the unmatched alerts named {@code alertname}. */
    public static String alertsOf(String alertname) {
        return "/alerts?matched=false&alertname=" + java.net.URLEncoder.encode(alertname, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A percentage as the page shows it: {@code 28.6 %}, or a dash when there is none (nothing fired). */
    public static String percent(Double percent) {
        return percent == null ? "–" : String.format(java.util.Locale.ROOT, "%.1f %%", percent);
    }

    /** Hours formatted as the page shows them: {@code 1.5}. */
    public static String hours(double hours) {
        return String.format(java.util.Locale.ROOT, "%.1f", hours);
    }
}
