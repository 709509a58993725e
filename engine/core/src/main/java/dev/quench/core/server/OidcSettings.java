package dev.quench.core.server;

import dev.quench.core.config.ConfigSection;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * The config's {@code oidc:} section: bearer JWTs from an identity provider, accepted besides named
 * tokens. Absent: only named tokens. Immutable.
 *
 * @param issuer    the {@code iss} every token must carry, exactly
 * @param jwksUrl   where the provider publishes its signing keys (JWKS); fetched at start and cached
 * @param audience  a value the token's {@code aud} must contain
 * @param nameClaim the claim naming the person: the actor recorded ({@code sub} by default)
 * @param roleClaim the claim with the Quench role, a string or a list (the highest role in it counts)
 * @param teamClaim the claim with the team the person is limited to, or null for none
 * @param sourcesClaim the claim naming the webhook sources a sender posts to, a string or a list
 *                  ({@code quench_sources} by default): a sender JWT without it is refused
 */
public record OidcSettings(URI issuer, URI jwksUrl, String audience, String nameClaim, String roleClaim,
                           String teamClaim, String sourcesClaim) {

    /** The keys as written in the file; absent ones are null. */
    public record Section(String issuer, String jwksUrl, String audience, String nameClaim, String roleClaim,
                          String teamClaim, String sourcesClaim) {
    }

    /**
     * Binds the {@code oidc:} section; empty when it is absent.
     *
     * @throws dev.quench.core.config.ConfigException naming the position, the key and what is wrong with it
     */
    public static Optional<OidcSettings> from(ConfigSection section) {
        return section.bind(Section.class).map(keys -> new OidcSettings(
                url(section, "issuer", keys.issuer()), url(section, "jwksUrl", keys.jwksUrl()),
                required(section, "audience", keys.audience()),
                keys.nameClaim() != null ? keys.nameClaim() : "sub",
                keys.roleClaim() != null ? keys.roleClaim() : "quench_role", keys.teamClaim(),
                keys.sourcesClaim() != null ? keys.sourcesClaim() : "quench_sources"));
    }

    private static String required(ConfigSection section, String key, String value) {
        if (value == null || value.isBlank()) {
            throw section.invalid(key, "is required when oidc is configured");
        }
        return value;
    }

    private static URI url(ConfigSection section, String key, String value) {
        String text = required(section, key, value);
        try {
            URI uri = new URI(text);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw section.invalid(key, "must be an http(s) URL, got '" + text + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw section.invalid(key, "must be an http(s) URL, got '" + text + "': " + e.getMessage());
        }
    }
}
