package dev.quench.core.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How a webhook source authenticates. Without settings a source accepts the engine's API token as
 * a bearer token; {@code open: true} accepts anyone (logged as a warning at start).
 *
 * @param bearerTokenFile a file holding the bearer token this source must send
 * @param open            accept requests without credentials
 */
public record SourceSettings(Path bearerTokenFile, boolean open) {

    public static final SourceSettings DEFAULT = new SourceSettings(null, false);

    public Optional<Path> bearerTokenFileIfSet() {
        return Optional.ofNullable(bearerTokenFile);
    }
}
