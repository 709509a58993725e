package dev.quench.core.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The bootstrap token in a file ({@code data/quench.token}), and the token the CLI reads from a file.
 * {@link #loadOrCreate} makes a random token (readable only by its owner) when the file does not
 * exist, so a fresh engine is never open; the engine registers it in the store as the admin token
 * named {@code admin}, where requests are checked ({@link TokenDirectory}). Immutable.
 */
public final class ApiToken {

    private final byte[] token;

    private ApiToken(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads the token in {@code file}; a missing or empty file is an error naming it. */
    public static ApiToken load(Path file) throws IOException {
        String text = Files.readString(file).strip();
        if (text.isEmpty()) {
            throw new IOException("token file " + file + " is empty");
        }
        return new ApiToken(text);
    }

    /** Reads {@code file}, or writes a new random token to it first. */
    public static ApiToken loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            return load(file);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, token + "\n");
        try {
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // Not a POSIX file system: the file keeps the directory's default permissions.
        }
        Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return new ApiToken(token);
    }

    /** The token text, for clients of this engine (the CLI, the demo). */
    public String value() {
        return new String(token, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ApiToken[redacted]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ApiToken that && MessageDigest.isEqual(token, that.token);
    }

    @Override
    public int hashCode() {
        return Objects.hash(token.length);
    }
}
