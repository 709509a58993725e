package dev.quench.core.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A named API token as stored (never the token itself: only its hash is kept, and not shown here).
 *
 * @param name      the token's name: the actor recorded for everything done with it
 * @param role      what it may do
 * @param team      the team (runbook owner) it is limited to, or null for every team
 * @param sources   for role sender, the webhook sources it may post to (never empty then); empty for the other roles
 * @param createdAt when it was made
 * @param createdBy who made it
 * @param expiresAt when it stops working, or null for never
 * @param revokedAt when it was revoked, or null
 * @param revokedBy who revoked it, or null
 */
public record StoredToken(String name, Role role, String team, List<String> sources, Instant createdAt,
                          String createdBy, Instant expiresAt, Instant revokedAt, String revokedBy) {

    public StoredToken {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        sources = List.copyOf(sources);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(createdBy, "createdBy");
    }

    public Optional<String> teamIfScoped() {
        return Optional.ofNullable(team);
    }

    /** Whether the token works at {@code now}: not revoked and not expired. */
    public boolean activeAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    /** {@code active}, {@code revoked} or {@code expired}, at {@code now}. */
    public String stateAt(Instant now) {
        return revokedAt != null ? "revoked" : activeAt(now) ? "active" : "expired";
    }
}
