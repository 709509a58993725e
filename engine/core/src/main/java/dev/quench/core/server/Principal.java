package dev.quench.core.server;

import dev.quench.core.store.Role;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who a request comes from, as its credential says: a named token's name, role and team scope.
 * The name is the actor recorded for everything the request does. Immutable.
 *
 * @param name the token's name
 * @param role what it may do
 * @param team    the team (runbook owner) it is limited to, or null for every team
 * @param sources the webhook sources a sender is bound to (from its token, or the identity provider's sources
 *                claim); empty for the roles above sender, which post to every source
 */
public record Principal(String name, Role role, String team, List<String> sources) {

    public Principal {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        sources = List.copyOf(sources);
    }

    /** A principal of a role above sender: bound to no particular source. */
    public Principal(String name, Role role, String team) {
        this(name, role, team, List.of());
    }

    /** Whether this principal may post alerts to the webhook source {@code source}. */
    public boolean postsTo(String source) {
        return role != Role.SENDER || sources.contains(source);
    }

    public Optional<String> teamIfScoped() {
        return Optional.ofNullable(team);
    }

    /** Whether this principal may see and act on runbooks (and their runs) owned by {@code owner}. */
    public boolean covers(String owner) {
        return team == null || team.equals(owner);
    }
}
