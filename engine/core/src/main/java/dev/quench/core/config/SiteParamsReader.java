package dev.quench.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the {@code params:} section of {@code quench.yaml}: the site's values for runbook params, by runbook
 * name ({@code params: {service-wedged-restart: {healthUrls: {nginx: http://10.0.0.7/health}}}}). A value may be
 * written as YAML of any shape: a list or a mapping is kept as JSON text, which params of {@code type: list} and
 * {@code type: map} read, so a site's map of health URLs is written as a map, not as a quoted JSON string. These
 * are the only values a site param ({@code site: true}) takes besides its default. Thread-safe (stateless).
 */
final class SiteParamsReader {

    private SiteParamsReader() {
    }

    /**
     * The site's param values by runbook, then param name, as the text a run's params are given in.
     *
     * @throws ConfigException at the position of a runbook entry that is not a mapping, or a value left empty
     */
    static Map<String, Map<String, String>> read(ConfigSection section, JsonNode params) {
        if (section.bind(JsonNode.class).isEmpty()) {
            return Map.of();
        }
        Map<String, Map<String, String>> byRunbook = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> runbook : params.properties()) {
            ConfigSection runbookSection = section.child(runbook.getKey());
            if (runbookSection.bind(JsonNode.class).isEmpty()) {
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> param : runbook.getValue().properties()) {
                JsonNode value = param.getValue();
                // An empty value reads as empty text: for a URL, host or path the site meant to set, that is a slip.
                if (value.isNull() || value.isTextual() && value.textValue().isEmpty()) {
                    throw runbookSection.invalid(param.getKey(), "has no value: write the site's value, or remove the "
                            + "key to use the runbook's default");
                }
                values.put(param.getKey(), value.isContainerNode() ? value.toString() : value.asText());
            }
            byRunbook.put(runbook.getKey(), Map.copyOf(values));
        }
        return byRunbook;
    }
}
