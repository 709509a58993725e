package dev.quench.core.server;

import dev.quench.core.store.Role;
import java.util.Objects;
import java.util.Optional;

/**
 * Who a request comes from, as its credential says: a named token's name, role and team scope.
 * The name is the actor recorded for everything the request does. Immutable.
 *
 * @param name the token's name
 * @param role what it may do
 * @param team the team (runbook owner) it is limited to, or null for every team
 */
public record Principal(String name, Role role, String team) {

    public Principal {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
    }

    public Optional<String> teamIfScoped() {
        return Optional.ofNullable(team);
    }

    /** Whether this principal may see and act on runbooks (and their runs) owned by {@code owner}. */
    public boolean covers(String owner) {
        return team == null || team.equals(owner);
    }
}
