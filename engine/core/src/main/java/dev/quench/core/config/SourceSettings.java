package dev.quench.core.config;

import dev.quench.core.alert.GenericMapping;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a webhook source authenticates and, for generic sources, how its JSON maps to an alert.
 * Without settings a source accepts the engine's API token as a bearer token; {@code open: true}
 * accepts anyone (logged as a warning at start). Several methods may be configured; a request
 * passing any one of them is accepted.
 *
 * @param bearerToken the bearer token this source must send, or null
 * @param basic       basic-auth credentials this source must send, or null
 * @param hmac        the HMAC signature this source must send, or null
 * @param open        accept requests without credentials
 * @param mapping     for {@code /hooks/generic/{source}}: where the alert's fields are, or null
 */
public record SourceSettings(Secret bearerToken, BasicAuth basic, HmacAuth hmac, boolean open,
                             GenericMapping mapping) {

    public static final SourceSettings DEFAULT = new SourceSettings(null, null, null, false, null);

    /** Only a bearer token file (the settings of the first release). */
    public SourceSettings(Path bearerTokenFile, boolean open) {
        this(bearerTokenFile == null ? null : new Secret("bearerTokenFile", bearerTokenFile, null), null, null, open, null);
    }

    /** User name and password for HTTP basic auth. */
    public record BasicAuth(String user, Secret password) {
    }

    /**
     * An HMAC-SHA256 signature of the body, lowercase hex, in {@code header}; with a
     * {@code timestampHeader} the signed text is {@code timestamp + ":" + body} (Grafana's variant).
     * The header may hold several signatures ({@code v1=<hex>,v1=<hex>}): any match is accepted.
     */
    public record HmacAuth(Secret secret, String header, String timestampHeader) {

        public Optional<String> timestampHeaderIfSet() {
            return Optional.ofNullable(timestampHeader);
        }
    }

    public Optional<Secret> bearerTokenIfSet() {
        return Optional.ofNullable(bearerToken);
    }

    public Optional<BasicAuth> basicIfSet() {
        return Optional.ofNullable(basic);
    }

    public Optional<HmacAuth> hmacIfSet() {
        return Optional.ofNullable(hmac);
    }

    public Optional<GenericMapping> mappingIfSet() {
        return Optional.ofNullable(mapping);
    }

    /** Whether any credential is configured for this source itself. */
    public boolean hasOwnCredentials() {
        return bearerToken != null || basic != null || hmac != null;
    }
}
