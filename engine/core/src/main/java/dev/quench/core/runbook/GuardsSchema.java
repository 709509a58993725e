package dev.quench.core.runbook;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON Schema of {@code guards:} and {@code approval:}, for {@link RunbookSchema}. */
final class GuardsSchema {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String DURATION = "^(\\d+(ms|s|m|h|d))+$|^[pP].+$";

    private GuardsSchema() {
    }

    static ObjectNode guards() {
        ObjectNode guards = JSON.objectNode().put("type", "object").put("additionalProperties", false)
                .put("description", "how often the runbook may start; checked before every run (docs/guards.md)");
        ObjectNode properties = guards.putObject("properties");
        properties.putObject("cooldown").put("type", "string").put("pattern", DURATION)
                .put("description", "after a run for one dedupe key, no other run for it until this has passed, like 30m");
        properties.putObject("maxRunsPerHour").put("type", "integer").put("minimum", 1)
                .put("maximum", GuardsParser.MAX_RUNS_PER_HOUR)
                .put("description", "at most this many runs of this runbook in any 60 minutes");
        properties.putObject("dedupeKey").put("type", "string")
                .put("description", "what makes two runs the same for the cooldown, like ${{ alert.labels.instance }}; "
                        + "default: the alert fingerprint (the runbook itself for scheduled and manual runs)");
        properties.putObject("lockKey").put("type", "string")
                .put("description", "one run at a time per key, on every engine, like ${{ host(alert.labels.instance) }}; "
                        + "none: runs never wait for each other; default: the host of the first step when it is "
                        + "ssh.exec or http.request (docs/guards.md)");
        ObjectNode breaker = properties.putObject("breaker").put("type", "object").put("additionalProperties", false)
                .put("description", "automation's own budget: after `failures` failed runs within `within`, new runs "
                        + "are refused until an operator resets it or `coolOff` has passed (docs/guards.md)");
        breaker.putArray("required").add("failures").add("within");
        ObjectNode breakerFields = breaker.putObject("properties");
        breakerFields.putObject("failures").put("type", "integer").put("minimum", 1).put("maximum", BreakerSpec.MAX_FAILURES)
                .put("description", "how many failed runs trip it");
        breakerFields.putObject("within").put("type", "string").put("pattern", DURATION)
                .put("description", "the window the failures are counted in, like 1h (1m to 30d)");
        breakerFields.putObject("coolOff").put("type", "string").put("pattern", DURATION)
                .put("description", "how long it stays tripped without an operator, like 30m (default: within)");
        ObjectNode budget = properties.putObject("errorBudget").put("type", "object").put("additionalProperties", false)
                .put("description", "an error-budget gate read through prometheus.query before each run: when the "
                        + "value is above (a burn rate) or below (the budget left) the threshold, then: requireApproval "
                        + "makes the run wait for a person, skip refuses it; an unreadable budget does the same "
                        + "(docs/guards.md)");
        budget.putArray("required").add("query").add("then");
        ArrayNode oneThreshold = budget.putArray("oneOf");
        oneThreshold.addObject().putArray("required").add("above");
        oneThreshold.addObject().putArray("required").add("below");
        ObjectNode budgetFields = budget.putObject("properties");
        budgetFields.putObject("query").put("type", "string")
                .put("description", "PromQL, like slo:burn_rate1h{service=\"web\"}; may use ${{ alert }} and ${{ params }}");
        budgetFields.putObject("above").put("type", "number")
                .put("description", "hold runs back while the value is above this (a burn rate, like 14.4)");
        budgetFields.putObject("below").put("type", "number")
                .put("description", "hold runs back while the value is below this (the budget left, like 0.1)");
        budgetFields.putObject("then").put("type", "string").putArray("enum").add("requireApproval").add("skip");
        return guards;
    }

    static ObjectNode approval() {
        ObjectNode approval = JSON.objectNode()
                .put("description", "none, required, or {required: true, timeout: 1h}: runs wait for a person to approve");
        ArrayNode oneOf = approval.putArray("oneOf");
        oneOf.addObject().put("type", "string").putArray("enum").add("none").add("required");
        ObjectNode policy = oneOf.addObject().put("type", "object").put("additionalProperties", false);
        ObjectNode properties = policy.putObject("properties");
        properties.putObject("required").put("type", "boolean");
        properties.putObject("timeout").put("type", "string").put("pattern", DURATION)
                .put("description", "without a decision by then the run is rejected, like 1h");
        return approval;
    }
}
