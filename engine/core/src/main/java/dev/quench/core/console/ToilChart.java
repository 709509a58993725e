package dev.quench.core.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.quench.core.util.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The toil chart's data as the page hands it to {@code toil-chart.js} (in the chart element's
 * {@code data-chart} attribute, HTML-escaped by the template): {@code {"weeks": ["2026-W47", …],
 * "series": [{"team": "storage-team", "hours": [1.5, …]}, …]}}. Stateless.
 */
final class ToilChart {

    private ToilChart() {
    }

    static String json(ToilView view) {
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("weeks", view.weeks().stream().map(ToilView.Week::label).toList());
        List<Map<String, Object>> series = view.series().stream().map(team -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("team", team.team());
            one.put("hours", team.hours());
            return one;
        }).toList();
        chart.put("series", series);
        try {
            return Json.json().writeValueAsString(chart);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the toil chart's data as JSON", e);
        }
    }
}
