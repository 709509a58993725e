package dev.quench.plugin.ssh;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Reads the parts of an SSH public key blob that messages and known_hosts lines need. */
final class HostKeys {

    private HostKeys() {
    }

    /** The key type inside the blob ({@code ssh-ed25519}, {@code ecdsa-sha2-nistp256}, {@code ssh-rsa}). */
    static String keyType(byte[] blob) {
        // The blob starts with the type as an SSH string: a 4-byte big-endian length, then ASCII.
        if (blob.length < 4) {
            return "unknown";
        }
        int length = ByteBuffer.wrap(blob, 0, 4).getInt();
        if (length <= 0 || length > blob.length - 4) {
            return "unknown";
        }
        return new String(blob, 4, length, StandardCharsets.US_ASCII);
    }

    /** {@code SHA256:...}, the fingerprint {@code ssh-keygen -lf} and OpenSSH print. */
    static String fingerprint(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The key as a known_hosts line for {@code hostName}, without the trailing newline. */
    static String knownHostsLine(String hostName, byte[] blob) {
        return hostName + " " + keyType(blob) + " " + Base64.getEncoder().encodeToString(blob);
    }
}
