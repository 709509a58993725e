package dev.quench.plugin.ssh;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A private key given as text ({@code privateKey: ${{ secrets.deploy_key }}}) rather than as a file. The text
 * stays in memory: JSch reads it from bytes, nothing is written to disk, and no message ever quotes it.
 */
final class PrivateKeyText {

    private PrivateKeyText() {
    }

    /** Refuses text that cannot be a private key, without quoting it (it is a secret). */
    static void check(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isBlank()) {
            throw new IllegalArgumentException("privateKey is empty: check the secret it comes from, or leave it out "
                    + "to use a key file (identity)");
        }
        if (!key.contains("-----BEGIN ") || !key.contains("PRIVATE KEY-----")) {
            throw new IllegalArgumentException("privateKey is not a private key: it has no '-----BEGIN ... PRIVATE "
                    + "KEY-----' line (its text is not shown: it comes from a secret). Put the whole content of the "
                    + "key file (ssh-keygen's id_ed25519, not the .pub) in the secret; for a path, use identity");
        }
    }

    /**
     * A short digest of the key, so that steps with different keys to one host get different connections
     * while the key itself never appears in a resource name.
     */
    static String digest(String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.strip().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The key's bytes for JSch, with the line ending a key file has (some parsers insist on it). */
    static byte[] bytes(String key) {
        String text = key.strip().replace("\r\n", "\n");
        return (text + "\n").getBytes(StandardCharsets.US_ASCII);
    }
}
