package dev.quench.core.util;

import java.util.Collection;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * "Did you mean" hints for misspelt names: the closest candidate within an edit distance of two
 * (optimal string alignment: insert, delete, substitute, swap two neighbours). Thread-safe.
 */
public final class DidYouMean {

    private static final int MAX_DISTANCE = 2;

    private DidYouMean() {
    }

    /** The candidate closest to {@code input}, if one is close enough to be a likely typo. */
    public static Optional<String> closest(String input, Collection<String> candidates) {
        Objects.requireNonNull(input, "input");
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates.stream().sorted().toList()) {
            int distance = distance(input.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            // A distance as long as the word itself is a different word, not a typo (id vs if is).
            if (distance < bestDistance && distance <= MAX_DISTANCE && distance < Math.max(2, input.length())) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    /** {@code " — did you mean 'x'?"} when there is a close candidate, else an empty string. */
    public static String hint(String input, Collection<String> candidates) {
        return closest(input, candidates).map(match -> " — did you mean '" + match + "'?").orElse("");
    }

    /** Optimal string alignment distance between {@code a} and {@code b}. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
