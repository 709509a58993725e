package dev.quench.core.match;

import dev.quench.core.alert.Alert;
import dev.quench.core.runbook.AlertTrigger;
import dev.quench.core.runbook.LabelMatcher;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The triggers the index cannot place, with equal matchers shared: runbooks of one library repeat
 * the same few matchers ({@code team=~"storage|sre-.*"}, {@code severity!="info"}), so each distinct
 * matcher is evaluated at most once per alert however many runbooks use it. Immutable and
 * thread-safe; the per-alert results live in a {@link Evaluation}.
 */
final class SharedMatchers {

    private final LabelMatcher[] distinct;
    /** Per trigger, the indexes into {@link #distinct} of its matchers, in the trigger's order. */
    private final int[][] triggers;

    SharedMatchers(List<AlertTrigger> unindexed) {
        Map<LabelMatcher, Integer> ids = new HashMap<>();
        triggers = new int[unindexed.size()][];
        for (int index = 0; index < unindexed.size(); index++) {
            List<LabelMatcher> matchers = unindexed.get(index).matchers();
            int[] refs = new int[matchers.size()];
            for (int position = 0; position < refs.length; position++) {
                refs[position] = ids.computeIfAbsent(matchers.get(position), ignored -> ids.size());
            }
            triggers[index] = refs;
        }
        distinct = new LabelMatcher[ids.size()];
        ids.forEach((matcher, id) -> distinct[id] = matcher);
    }

    /** Starts matching one alert. */
    Evaluation evaluate(Alert alert) {
        return new Evaluation(alert);
    }

    /** One alert's matcher results, computed on first use. Not thread-safe: one per call. */
    final class Evaluation {

        private final Map<String, String> labels;
        /** 0 not yet evaluated, 1 matches, 2 does not. */
        private final byte[] results = new byte[distinct.length];

        private Evaluation(Alert alert) {
            this.labels = alert.labels();
        }

        /** Whether every matcher of unindexed trigger {@code index} matches (the status is checked by the caller). */
        boolean matchers(int index) {
            for (int ref : triggers[index]) {
                if (results[ref] == 0) {
                    results[ref] = distinct[ref].matches(labels) ? (byte) 1 : (byte) 2;
                }
                if (results[ref] == 2) {
                    return false;
                }
            }
            return true;
        }
    }
}
