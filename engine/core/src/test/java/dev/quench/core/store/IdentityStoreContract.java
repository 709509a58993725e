package dev.quench.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tokens and the audit trail, the same on every store backend; one subclass per database. */
abstract class IdentityStoreContract {

    /** A store on an empty schema. */
    abstract Store store();

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @Test
    void aTokenIsStoredAsItsHashOnlyAndFoundByItsText() {
        IssuedToken issued = store().tokens().create("alice", Role.OPERATOR, "storage-team", null, "admin", now);

        assertThat(issued.secret()).matches("[0-9a-f]{64}");
        assertThat(issued.toString()).doesNotContain(issued.secret());
        List<String> stored = store().jdbi().withHandle(handle -> handle.createQuery(
                "select name || ' ' || token_hash || ' ' || role || ' ' || team from api_token")
                .mapTo(String.class).list());
        assertThat(stored).singleElement().isEqualTo("alice " + TokenRepository.hash(issued.secret())
                + " operator storage-team");
        assertThat(stored.getFirst()).doesNotContain(issued.secret());
        assertThat(store().tokens().activeByHash(now)).containsOnlyKeys(TokenRepository.hash(issued.secret()));
        assertThat(store().tokens().findBySecret(issued.secret())).get().extracting(StoredToken::name).isEqualTo("alice");
        assertThat(store().tokens().find("alice").orElseThrow().teamIfScoped()).contains("storage-team");
    }

    @Test
    void aSenderTokenKeepsTheSourcesItIsBoundToAndOtherRolesNone() {
        IssuedToken sender = store().tokens().create("am", Role.SENDER, null,
                List.of("alertmanager", "grafana", "alertmanager", "orders-api"), null, "admin", now);
        store().tokens().create("dashboard", Role.VIEWER, null, null, "admin", now);

        assertThat(sender.token().sources()).containsExactly("alertmanager", "grafana", "orders-api");
        assertThat(store().tokens().find("am").orElseThrow().sources())
                .containsExactly("alertmanager", "grafana", "orders-api");
        assertThat(store().tokens().activeByHash(now).get(TokenRepository.hash(sender.secret())).sources())
                .containsExactly("alertmanager", "grafana", "orders-api");
        assertThat(store().tokens().list()).extracting(StoredToken::name, StoredToken::sources).containsExactly(
                org.assertj.core.groups.Tuple.tuple("am", List.of("alertmanager", "grafana", "orders-api")),
                org.assertj.core.groups.Tuple.tuple("dashboard", List.of()));
        String dashboardSources = store().jdbi().withHandle(handle -> handle.createQuery(
                "select sources from api_token where name = 'dashboard'").mapTo(String.class).one());
        assertThat(dashboardSources).isNull();
    }

    @Test
    void aSenderWithoutSourcesAnotherRoleWithSourcesAndABadSourceNameAreRefused() {
        assertThatThrownBy(() -> store().tokens().create("am", Role.SENDER, null, List.of(), null, "admin", now))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a sender token may only post to the webhook sources it is bound to, and none was named: "
                        + "name each source it posts to (--source alertmanager, repeated for more)");
        assertThatThrownBy(() -> store().tokens().create("ops", Role.OPERATOR, null, List.of("grafana"), null, "admin",
                now)).hasMessage("only a sender token is bound to webhook sources; a token of role operator may post "
                + "to every source: leave out the sources (--source)");
        assertThatThrownBy(() -> store().tokens().create("am", Role.SENDER, null, List.of("alert,manager"), null,
                "admin", now)).hasMessageStartingWith("invalid source 'alert,manager': a source is named as under "
                + "sources: in quench.yaml, 1-64 of [a-z0-9_-]");
        assertThatThrownBy(() -> store().tokens().create("am", Role.SENDER, null,
                java.util.stream.IntStream.range(0, 25).mapToObj(i -> "s" + i).toList(), null, "admin", now))
                .hasMessage("a sender token is bound to at most 24 sources, 25 were named: make one token per sender");
        assertThat(store().tokens().list()).isEmpty();
    }

    @Test
    void revokedAndExpiredTokensAreNotActiveAndKeepTheirNames() {
        store().tokens().create("ci", Role.OPERATOR, null, now.plusSeconds(60), "admin", now);
        store().tokens().create("leaver", Role.VIEWER, null, null, "admin", now);

        assertThat(store().tokens().revoke("leaver", "lead", now.plusSeconds(1))).get()
                .satisfies(token -> assertThat(token.stateAt(now.plusSeconds(2))).isEqualTo("revoked"))
                .extracting(StoredToken::revokedBy).isEqualTo("lead");
        assertThat(store().tokens().revoke("nobody", "lead", now)).isEmpty();
        assertThat(store().tokens().activeByHash(now.plusSeconds(2)).values()).extracting(StoredToken::name)
                .containsExactly("ci");
        assertThat(store().tokens().activeByHash(now.plusSeconds(61))).as("expired").isEmpty();
        assertThat(store().tokens().list()).extracting(StoredToken::name).containsExactly("ci", "leaver");
        assertThatThrownBy(() -> store().tokens().create("leaver", Role.VIEWER, null, null, "admin", now))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a token named 'leaver' exists already (revoked): pick another name (a revoked token keeps "
                        + "its name, so the audit trail stays unambiguous)");
    }

    @Test
    void badNamesAndTeamsAreRefusedNamingThem() {
        assertThatThrownBy(() -> store().tokens().create("ci\nadmin", Role.ADMIN, null, null, "admin", now))
                .hasMessageStartingWith("invalid token name 'ci\\u000aadmin': a name has 1-64 letters");
        assertThatThrownBy(() -> store().tokens().create("ok", Role.ADMIN, "web team", null, "admin", now))
                .hasMessageStartingWith("invalid team 'web team'");
        assertThatThrownBy(() -> Role.parse("root")).hasMessage("unknown role 'root': a role is sender, viewer, "
                + "operator or admin");
        assertThat(store().tokens().list()).isEmpty();
    }

    @Test
    void theBootstrapTokenIsRegisteredOnceAsAdminAndARevocationSticks() {
        assertThat(store().tokens().registerBootstrap("first-secret", now)).isEqualTo("admin");
        assertThat(store().tokens().registerBootstrap("first-secret", now)).isEqualTo("admin");
        String other = store().tokens().registerBootstrap("second-secret", now);
        assertThat(other).isEqualTo("admin-" + TokenRepository.hash("second-secret").substring(0, 8));
        assertThat(store().tokens().find("admin").orElseThrow().role()).isEqualTo(Role.ADMIN);

        store().tokens().revoke("admin", "lead", now);

        assertThat(store().tokens().registerBootstrap("first-secret", now.plusSeconds(5))).isEqualTo("admin");
        assertThat(store().tokens().activeByHash(now.plusSeconds(5))).doesNotContainKey(TokenRepository.hash("first-secret"));
    }

    @Test
    void theAuditTrailIsReadNewestFirstFilteredAndPrunedInBatches() {
        for (int index = 0; index < 5; index++) {
            store().audit().append(new AuditEntry(0, now.minusSeconds(100 - index), "alice", "operator", "run.approve",
                    "run r-" + index, "ok", "10.0.0.1", "200"));
        }
        store().audit().append(new AuditEntry(0, now, "bob", "viewer", "pause", "engine", "forbidden", "10.0.0.2",
                "403 needs role operator"));

        assertThat(store().audit().list(null, null, null, 10)).extracting(AuditEntry::target)
                .containsExactly("engine", "run r-4", "run r-3", "run r-2", "run r-1", "run r-0");
        assertThat(store().audit().list("bob", null, null, 10)).singleElement()
                .satisfies(entry -> assertThat(entry).usingRecursiveComparison().ignoringFields("id")
                        .isEqualTo(new AuditEntry(0, now, "bob", "viewer", "pause", "engine", "forbidden", "10.0.0.2",
                                "403 needs role operator")));
        assertThat(store().audit().list(null, "run.approve", now.minusSeconds(97), 10)).hasSize(2);

        assertThat(store().audit().deleteOlderThan(now.minusSeconds(1), 3)).isEqualTo(3);
        assertThat(store().audit().deleteOlderThan(now.minusSeconds(1), 3)).isEqualTo(2);
        assertThat(store().audit().deleteOlderThan(now.minusSeconds(1), 3)).isZero();
        assertThat(store().audit().list(null, null, null, 10)).extracting(AuditEntry::actor).containsExactly("bob");
    }

    @Test
    void aConsoleSessionIsFoundByItsHashUntilItExpiresOrEnds() {
        ConsoleSession session = new ConsoleSession(TokenRepository.hash("session-id-1"), "a".repeat(64), "alice", now,
                now.plusSeconds(3600));
        store().consoleSessions().create(session);
        store().consoleSessions().create(new ConsoleSession(TokenRepository.hash("session-id-2"), "a".repeat(64),
                "alice", now.minusSeconds(7200), now.minusSeconds(3600)));
        store().consoleSessions().create(new ConsoleSession(TokenRepository.hash("session-id-3"), "b".repeat(64),
                "bob", now, now.plusSeconds(3600)));

        assertThat(store().consoleSessions().findActive(session.idHash(), now)).contains(session);
        assertThat(store().consoleSessions().findActive(session.idHash(), now.plusSeconds(3600))).as("expired").isEmpty();
        assertThat(store().consoleSessions().findActive(TokenRepository.hash("session-id-2"), now)).isEmpty();
        assertThat(store().consoleSessions().deleteExpired(now)).isEqualTo(1);
        assertThat(store().consoleSessions().delete(session.idHash())).isTrue();
        assertThat(store().consoleSessions().delete(session.idHash())).isFalse();
        assertThat(store().consoleSessions().findActive(session.idHash(), now)).isEmpty();
        assertThat(store().consoleSessions().deleteForToken("bob")).isEqualTo(1);
    }

    @Test
    void theAuditTrailPagesBackwardsFromAnEntry() {
        for (int index = 0; index < 5; index++) {
            store().audit().append(new AuditEntry(0, now.plusSeconds(index), "alice", "operator", "pause", "engine",
                    "ok", "127.0.0.1", "entry " + index));
        }
        List<AuditEntry> first = store().audit().list(null, "pause", null, null, 2);
        List<AuditEntry> second = store().audit().list(null, "pause", null, first.getLast().id(), 2);
        List<AuditEntry> last = store().audit().list(null, "pause", null, second.getLast().id(), 2);

        assertThat(first).extracting(AuditEntry::detail).containsExactly("entry 4", "entry 3");
        assertThat(second).extracting(AuditEntry::detail).containsExactly("entry 2", "entry 1");
        assertThat(last).extracting(AuditEntry::detail).containsExactly("entry 0");
    }
}
