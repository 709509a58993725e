package dev.quench.core.groovy;

import dev.quench.core.match.LabelMatcher;
import dev.quench.core.match.LabelMatcherParser;
import dev.quench.core.runbook.AlertTrigger;
import dev.quench.core.expr.DidYouMean;
import dev.quench.core.runbook.ParamSpec;
import dev.quench.core.runbook.ParamType;
import dev.quench.core.runbook.TriggerStatus;
import dev.quench.core.util.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code runbook { }} block of a Groovy runbook: the same metadata as the YAML format. */
public final class RunbookDsl {

    String name;
    String description = "";
    String owner = "";
    int manualMinutes;
    AlertTrigger alertTrigger;
    final List<ParamSpec> params = new ArrayList<>();
    Duration timeLimit = Duration.ofMinutes(30);

    public void name(String value) {
        if (!value.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("invalid name '" + value + "': use lower-case letters, digits and -");
        }
        name = value;
    }

    public void description(String value) {
        description = value;
    }

    public void owner(String value) {
        owner = value;
    }

    public void manualMinutes(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("manualMinutes must be 0 or more");
        }
        manualMinutes = value;
    }

    /** {@code alert matchers: ['alertname="X"'], status: 'firing'}. */
    public void alert(Map<String, Object> options) {
        Object matchers = options.get("matchers");
        if (!(matchers instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException("alert needs matchers: ['alertname=\"X\"'] (at least one)");
        }
        List<LabelMatcher> parsed = new ArrayList<>();
        list.forEach(matcher -> parsed.add(LabelMatcherParser.parse(matcher.toString())));
        String statusText = String.valueOf(options.getOrDefault("status", "firing"));
        TriggerStatus status = TriggerStatus.parse(statusText).orElseThrow(() ->
                new IllegalArgumentException("unknown status '" + statusText + "' (firing, resolved or any)"));
        alertTrigger = new AlertTrigger(parsed, status);
    }

    /** {@code param 'logDir', type: 'string', default: '/var/log/app', required: false, description: '...'}. */
    public void param(Map<String, Object> options, String paramName) {
        if (!paramName.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("invalid param name '" + paramName + "'");
        }
        Optional<ParamType> type = Optional.empty();
        Object default_ = options.get("default");
        if (options.containsKey("type")) {
            String name = String.valueOf(options.get("type"));
            type = ParamType.parse(name);
            if (type.isEmpty()) {
                String hint = ParamType.alias(name).map(alias -> " — did you mean '" + alias + "'?")
                        .orElseGet(() -> DidYouMean.hint(name, ParamType.names()));
                throw new IllegalArgumentException("unknown type '" + name + "' of param '" + paramName + "'" + hint
                        + " (types: " + String.join(", ", ParamType.names()) + ")");
            }
            if (default_ != null) {
                try {
                    default_ = type.get().convert(default_);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("the default of param '" + paramName + "' (type: " + name + "): "
                            + e.getMessage(), e);
                }
            }
        }
        params.add(new ParamSpec(paramName, Optional.ofNullable(default_), Boolean.TRUE.equals(options.get("required")),
                String.valueOf(options.getOrDefault("description", "")), type));
    }

    public void param(String paramName) {
        param(Map.of(), paramName);
    }

    /** How long the body may run in all, like '10m' (default 30m). */
    public void timeLimit(String value) {
        timeLimit = Durations.parse(value);
    }
}
