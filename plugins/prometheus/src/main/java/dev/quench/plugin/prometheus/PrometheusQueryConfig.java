package dev.quench.plugin.prometheus;

import dev.quench.api.PromQl;
import dev.quench.api.Required;
import dev.quench.api.StepDoc;
import dev.quench.api.StepField;

import java.time.Duration;

/**
 * The {@code with:} block of a {@code prometheus.query} step: an instant PromQL query, an optional expectation on
 * its result, and how long to keep asking until the expectation holds.
 *
 * @param query  the PromQL expression
 * @param expect what the result must be; null means any successful answer passes
 * @param until  keep querying until the expectation holds or this much time has passed; null means one query
 * @param every  time between queries with {@code until}, at least 1s; null means 15s
 */
@StepDoc(summary = """
        An instant PromQL query against the Prometheus of `prometheus.url` in quench.yaml, with an expectation on \
        the result (`below`, `above`, `equal`, `empty`, `nonEmpty`); with `until`, asks again every `every` until \
        the expectation holds or the deadline passes (\"wait until the error rate is back under 1 %\").""",
        example = """
                - id: recovered
                  uses: prometheus.query
                  with:
                    query: sum(rate(http_requests_total{job="${{ alert.labels.job }}",code=~"5.."}[1m])) / sum(rate(http_requests_total{job="${{ alert.labels.job }}"}[1m]))
                    expect: {below: 0.01}
                    until: 10m
                    every: 30s
                  timeout: 11m
                """,
        notes = """
                Outputs: `value` (the first series' value as a number; `NaN`, `+Inf` or `-Inf` as text), `series` \
                (how many series came back), `result` (up to 20 series, each with its `labels` and `value`) \
                and `queries` (how many were sent). \
                With several series, `below`, `above` and `equal` must hold for **every** series; an empty \
                result satisfies none of them. A `NaN` value satisfies no comparison; `+Inf` is above every \
                number. Vector and scalar results are accepted; a range vector (`[5m]` without a function) or a \
                string fails the step. A query Prometheus rejects (bad PromQL: 400 or 422 with its `error`) fails \
                at once with Prometheus's own words and is not retried; a 5xx or a connection failure is asked \
                again within `until` (without `until` it fails as retryable, for the step's `retry:`). The step \
                stops at its `timeout` too, so give it a `timeout` longer than `until`. See docs/prometheus.md.""")
public record PrometheusQueryConfig(
        @PromQl
        @Required(example = "query: up{job=\"node\"}")
        @StepField(description = "the PromQL expression, evaluated now (`GET /api/v1/query`)") String query,
        @StepField(description = "what the result must be: one of `below`, `above`, `equal`, `empty`, `nonEmpty`",
                whenAbsent = "any answer passes") Expect expect,
        @StepField(description = "keep asking until the expectation holds or this much time has passed",
                whenAbsent = "one query") Duration until,
        @StepField(description = "time between queries with `until`, at least 1s", defaultValue = "15s")
        Duration every) {

    static final Duration DEFAULT_EVERY = Duration.ofSeconds(15);
    static final Duration MIN_EVERY = Duration.ofSeconds(1);

    public PrometheusQueryConfig {
        if (query == null || query.isBlank()) {
            throw new IllegalArgumentException("prometheus.query needs query: a PromQL expression, like up{job=\"node\"}");
        }
        query = query.strip();
        if (until != null && (until.isZero() || until.isNegative())) {
            throw new IllegalArgumentException("until must be positive, like 5m; got " + until);
        }
        if (every != null && every.compareTo(MIN_EVERY) < 0) {
            throw new IllegalArgumentException("every must be at least 1s (Prometheus evaluates rules every few "
                    + "seconds at best); got " + every);
        }
        if (every != null && until == null) {
            throw new IllegalArgumentException("every applies with until (keep asking until a deadline); add until, "
                    + "or remove every for a single query");
        }
    }

    Duration everyOrDefault() {
        return every == null ? DEFAULT_EVERY : every;
    }

    /**
     * What a query's result must be. Exactly one field is given.
     *
     * @param below    every series' value is below this number
     * @param above    every series' value is above this number
     * @param equal    every series' value equals this number
     * @param empty    {@code true}: no series came back
     * @param nonEmpty {@code true}: at least one series came back
     */
    public record Expect(@StepField(description = "every series' value is below this number") Double below,
                         @StepField(description = "every series' value is above this number") Double above,
                         @StepField(description = "every series' value equals this number") Double equal,
                         @StepField(description = "`true`: no series came back") Boolean empty,
                         @StepField(description = "`true`: at least one series came back") Boolean nonEmpty) {

        public Expect {
            int given = (below != null ? 1 : 0) + (above != null ? 1 : 0) + (equal != null ? 1 : 0)
                    + (empty != null ? 1 : 0) + (nonEmpty != null ? 1 : 0);
            if (given != 1) {
                throw new IllegalArgumentException("expect takes exactly one of below, above, equal, empty: true, "
                        + "nonEmpty: true; got " + given);
            }
            if (Boolean.FALSE.equals(empty) || Boolean.FALSE.equals(nonEmpty)) {
                throw new IllegalArgumentException("expect: write empty: true or nonEmpty: true (false is ambiguous)");
            }
            for (Double number : new Double[] {below, above, equal}) {
                if (number != null && !Double.isFinite(number)) {
                    throw new IllegalArgumentException("expect takes a finite number, got " + number);
                }
            }
        }

        /** Whether the series satisfy this expectation. */
        boolean holds(java.util.List<Sample> series) {
            if (empty != null) {
                return series.isEmpty();
            }
            if (nonEmpty != null) {
                return !series.isEmpty();
            }
            return !series.isEmpty() && series.stream().allMatch(sample -> holds(sample.value()));
        }

        private boolean holds(double value) {
            if (Double.isNaN(value)) {
                return false;
            }
            if (below != null) {
                return value < below;
            }
            if (above != null) {
                return value > above;
            }
            return value == equal;
        }

        @Override
        public String toString() {
            if (empty != null) {
                return "empty";
            }
            if (nonEmpty != null) {
                return "non-empty";
            }
            String each = below != null ? "below " + Sample.format(below) : above != null
                    ? "above " + Sample.format(above) : "equal to " + Sample.format(equal);
            return "every series " + each;
        }
    }
}
