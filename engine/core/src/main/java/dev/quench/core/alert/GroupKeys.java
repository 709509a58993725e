package dev.quench.core.alert;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Bounds a sender's notification group key (Alertmanager's {@code groupKey}) before it is stored. A real key is
 * the route's matchers and the group's label values ({@code {}/{severity="critical"}:{alertname="X"}}), well
 * under {@link #MAX_LENGTH}; a longer one keeps its start and ends with the SHA-256 of the whole key, so two long
 * keys that differ only after the cut still name two groups, and nothing the sender sent is refused for it.
 * Stateless and thread-safe.
 */
public final class GroupKeys {

    /** The most characters a stored group key has (the store's column holds 1,024). */
    public static final int MAX_LENGTH = 512;

    private static final String HASH_MARK = "...sha256:";

    private GroupKeys() {
    }

    /** {@code groupKey} as stored: itself when at most {@link #MAX_LENGTH} characters, else its start and hash. */
    public static String capped(String groupKey) {
        if (groupKey == null || groupKey.length() <= MAX_LENGTH) {
            return groupKey == null ? "" : groupKey;
        }
        String hash = HexFormat.of().formatHex(sha256(groupKey));
        int keep = MAX_LENGTH - HASH_MARK.length() - hash.length();
        // Never cut a surrogate pair in two: the stored text stays valid UTF-16 (and UTF-8 in PostgreSQL).
        if (Character.isHighSurrogate(groupKey.charAt(keep - 1))) {
            keep--;
        }
        return groupKey.substring(0, keep) + HASH_MARK + hash;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
