package dev.quench.core.expr;

import java.util.Collection;
import java.util.List;
import org.apache.commons.jexl3.JexlContext;

/**
 * Masks any run of {@link #MIN_FRAGMENT} or more characters of a secret in the reason an
 * expression failed. The expression functions never quote their input, but JEXL's own errors (a
 * failed coercion, say) may quote a value, and a quoted part of a secret ({@code json(secrets.x)}
 * once put 11 of 15 characters in the error) escapes the run record's masking of whole values.
 * Immutable and thread-safe.
 */
final class SecretFragments {

    /** Secrets are at least this long (quench.yaml refuses shorter ones), so a shorter run is no tell. */
    static final int MIN_FRAGMENT = 4;

    private static final SecretFragments NONE = new SecretFragments(List.of());

    private final List<String> secrets;

    private SecretFragments(Collection<String> secrets) {
        this.secrets = List.copyOf(secrets.stream().filter(secret -> secret.length() >= MIN_FRAGMENT).toList());
    }

    /** The secrets an evaluation context can read. */
    static SecretFragments of(JexlContext context) {
        return context.has("secrets") && context.get("secrets") instanceof NamedValues named
                ? new SecretFragments(named.rawValues()) : NONE;
    }

    /** {@code text} with every run of {@link #MIN_FRAGMENT} or more characters of a secret replaced by {@code ***}. */
    String mask(String text) {
        if (secrets.isEmpty() || text == null) {
            return text;
        }
        StringBuilder masked = new StringBuilder(text.length());
        int position = 0;
        while (position < text.length()) {
            int longest = longestFragmentAt(text, position);
            if (longest >= MIN_FRAGMENT) {
                masked.append("***");
                position += longest;
            } else {
                masked.append(text.charAt(position++));
            }
        }
        return masked.toString();
    }

    /** The length of the longest piece of any secret that {@code text} holds at {@code start}. */
    private int longestFragmentAt(String text, int start) {
        int longest = 0;
        for (String secret : secrets) {
            int length = longest + 1;
            // Containment shrinks with length: once a piece is not in the secret, no longer one is.
            while (start + length <= text.length() && secret.contains(text.substring(start, start + length))) {
                length++;
            }
            longest = Math.max(longest, length - 1);
        }
        return longest;
    }
}
