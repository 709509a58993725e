package dev.quench.core.store;

import java.util.Objects;

/**
 * A token just made: its record, and the token text, shown once to whoever made it and never stored.
 *
 * @param token  as stored
 * @param secret the bearer token (64 hex digits: 256 random bits)
 */
public record IssuedToken(StoredToken token, String secret) {

    public IssuedToken {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String toString() {
        return "IssuedToken[" + token.name() + ", secret redacted]";
    }
}
