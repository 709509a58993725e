package dev.quench.core.boot;

import dev.quench.core.store.DataDirectory;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The file {@code DATA/quench.url} that says where the engine using a data directory serves, so that
 * {@code quench runs list --data DIR} can read a running engine through its API (the embedded store
 * is open in that engine only). Written {@code 0600} once the engine listens, deleted when it stops;
 * one left by a killed engine names an address that no longer answers. Stateless; thread-safe.
 */
public final class ServingAddress {

    static final String FILE_NAME = "quench.url";

    private ServingAddress() {
    }

    /** The address of an engine bound to {@code host} on {@code port}, as a local client reaches it. */
    static URI of(String host, int port) {
        String reachable = switch (host) {
            case "0.0.0.0", "" -> "127.0.0.1";
            case "::", "[::]" -> "[::1]";
            default -> host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        };
        return URI.create("http://" + reachable + ":" + port);
    }

    static void write(Path dataDirectory, URI address) throws IOException {
        Path file = dataDirectory.resolve(FILE_NAME);
        Path temporary = dataDirectory.resolve(FILE_NAME + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, DataDirectory.privateFile());
        Files.writeString(temporary, address + "\n", StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static void delete(Path dataDirectory) throws IOException {
        Files.deleteIfExists(dataDirectory.resolve(FILE_NAME));
    }

    /** Where the engine using {@code dataDirectory} said it serves, if it wrote that and the file is readable. */
    public static Optional<URI> read(Path dataDirectory) {
        Path file = dataDirectory.resolve(FILE_NAME);
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(URI.create(text));
        } catch (java.nio.file.NoSuchFileException ignored) {
            return Optional.empty(); // no engine serves on this data directory, or it stopped cleanly
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
