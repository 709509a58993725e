package dev.quench.core.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A signed-in console browser, as stored: the hash of its cookie and the token it acts as. Immutable.
 *
 * @param idHash    the hex SHA-256 of the session id (the cookie's value)
 * @param tokenHash the hex SHA-256 of the token it was signed in with (as in {@code api_token})
 * @param tokenName the token's name, the actor of what the session does
 * @param createdAt when it signed in
 * @param expiresAt when it stops working, whatever happens meanwhile
 */
public record ConsoleSession(String idHash, String tokenHash, String tokenName, Instant createdAt, Instant expiresAt) {

    public ConsoleSession {
        Objects.requireNonNull(idHash, "idHash");
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(tokenName, "tokenName");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public boolean activeAt(Instant now) {
        return expiresAt.isAfter(now);
    }
}
