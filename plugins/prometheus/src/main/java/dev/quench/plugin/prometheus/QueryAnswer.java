package dev.quench.plugin.prometheus;

import java.util.List;

/** What one query to Prometheus came back with. */
sealed interface QueryAnswer {

    /** A vector or scalar result. */
    record Series(String resultType, List<Sample> samples) implements QueryAnswer {
        public Series {
            samples = List.copyOf(samples);
        }
    }

    /**
     * An answer that will not change by asking again: bad PromQL, a refused login, a matrix result.
     *
     * @param message what went wrong, with Prometheus's own words where it sent some
     */
    record Rejected(String message) implements QueryAnswer {
    }

    /**
     * A failure that may pass: a 5xx, a refused connection, a timeout.
     *
     * @param message what went wrong
     */
    record Unavailable(String message) implements QueryAnswer {
    }
}
