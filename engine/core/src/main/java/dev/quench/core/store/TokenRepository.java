package dev.quench.core.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * Named API tokens in {@code api_token}. A token is 256 random bits; only its SHA-256 is stored (a
 * slow password hash buys nothing for a random secret of that size), so the store, its backups and
 * {@code quench store copy} never hold a usable token. Names and teams are checked here, the one way
 * in. Thread-safe.
 */
public final class TokenRepository {

    /** A token name: letters, digits and {@code . _ @ -}, starting with a letter or digit, at most 64. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    /** A team: what a runbook's {@code owner} says; letters, digits and {@code . _ -}, at most 128. */
    private static final Pattern TEAM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** A webhook source: as named under {@code sources:} in quench.yaml (the same rule). */
    private static final Pattern SOURCE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    /** Sources one sender token may be bound to (they fit the column). */
    static final int MAX_SOURCES = 24;
    /** The name of the token in {@code data/quench.token}, made by the first start. */
    public static final String BOOTSTRAP_NAME = "admin";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbi jdbi;

    TokenRepository(Jdbi jdbi) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    }

    /** Makes a token of a role above sender (one bound to no webhook source); see the full form. */
    public IssuedToken create(String name, Role role, String team, Instant expiresAt, String createdBy, Instant now) {
        return create(name, role, team, List.of(), expiresAt, createdBy, now);
    }

    /**
     * Makes a token; the answer holds its text, which is not kept anywhere.
     *
     * @param sources for role sender, the webhook sources it may post to (at least one); empty for the other roles.
     *                Whether each is a source of this engine is for the caller to check: the store does not know
     *                the configuration
     * @throws IllegalArgumentException for a bad name, team or sources, or a name already taken (revoked tokens
     *                                  keep theirs), naming it
     */
    public IssuedToken create(String name, Role role, String team, List<String> sources, Instant expiresAt,
                              String createdBy, Instant now) {
        checkName(name);
        if (team != null) {
            checkTeam(team);
        }
        Objects.requireNonNull(role, "role");
        List<String> bound = checkSources(role, sources);
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = HexFormat.of().formatHex(random);
        StoredToken token = new StoredToken(name, role, team, bound, now, createdBy, expiresAt, null, null);
        if (!insert(token, hash(secret))) {
            throw new IllegalArgumentException("a token named '" + name + "' exists already"
                    + (find(name).map(found -> " (" + found.stateAt(now) + ")").orElse(""))
                    + ": pick another name (a revoked token keeps its name, so the audit trail stays unambiguous)");
        }
        return new IssuedToken(token, secret);
    }

    /**
     * Registers the bootstrap token of a data directory ({@code data/quench.token}) as an admin token, once:
     * named {@value #BOOTSTRAP_NAME}, or {@code admin-<hash prefix>} when another engine's bootstrap token has
     * that name already. A token revoked since stays revoked.
     *
     * @return the token's name
     */
    public String registerBootstrap(String secret, Instant now) {
        String hash = hash(secret);
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<String> known = nameOfHash(hash);
            if (known.isPresent()) {
                return known.get();
            }
            String name = find(BOOTSTRAP_NAME).isEmpty() ? BOOTSTRAP_NAME : BOOTSTRAP_NAME + "-" + hash.substring(0, 8);
            if (insert(new StoredToken(name, Role.ADMIN, null, List.of(), now, "quench", null, null, null), hash)) {
                return name;
            }
            // Another engine registered at the same moment: look again.
        }
        throw new StoreException("cannot register the bootstrap token: its name is taken and it is not stored");
    }

    /** The tokens that work at {@code now}, by the hex SHA-256 of their text: what the engine checks against. */
    public Map<String, StoredToken> activeByHash(Instant now) {
        return jdbi.withHandle(handle -> {
            Map<String, StoredToken> active = new LinkedHashMap<>();
            handle.createQuery("select * from api_token where revoked_at is null and (expires_at is null or expires_at > :now)")
                    .bind("now", Timestamp.from(now))
                    .map((row, context) -> Map.entry(row.getString("token_hash"), map(row)))
                    .forEach(entry -> active.put(entry.getKey(), entry.getValue()));
            return active;
        });
    }

    /** The token of a given text, whatever its state (for telling "expired" from "unknown"). */
    public Optional<StoredToken> findBySecret(String secret) {
        String hash = hash(secret);
        return jdbi.withHandle(handle -> handle.createQuery("select * from api_token where token_hash = :hash")
                .bind("hash", hash).map((row, context) -> map(row)).findOne());
    }

    public Optional<StoredToken> find(String name) {
        return jdbi.withHandle(handle -> handle.createQuery("select * from api_token where name = :name")
                .bind("name", name).map((row, context) -> map(row)).findOne());
    }

    /** Every token, revoked and expired ones too, by name. */
    public List<StoredToken> list() {
        return jdbi.withHandle(handle -> handle.createQuery("select * from api_token order by name")
                .map((row, context) -> map(row)).list());
    }

    /**
     * Revokes the token {@code name}: it stops working on every engine on this store within a second.
     *
     * @return the token as now stored; empty if there is no token of that name
     */
    public Optional<StoredToken> revoke(String name, String by, Instant now) {
        jdbi.useHandle(handle -> handle.createUpdate(
                        "update api_token set revoked_at = :now, revoked_by = :by where name = :name and revoked_at is null")
                .bind("now", Timestamp.from(now)).bind("by", by).bind("name", name).execute());
        return find(name);
    }

    /** The hex SHA-256 of a token's text, as stored. */
    public static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** @throws IllegalArgumentException naming a token name that cannot be one */
    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid token name '" + printable(name) + "': a name has 1-64 letters, "
                    + "digits, '.', '_', '@' or '-' and starts with a letter or digit (e.g. alertmanager, ci-deploy, "
                    + "alice@example.com)");
        }
    }

    /** @throws IllegalArgumentException naming a team that cannot be one */
    public static void checkTeam(String team) {
        if (!TEAM.matcher(team).matches()) {
            throw new IllegalArgumentException("invalid team '" + printable(team) + "': a team is a runbook owner, "
                    + "1-128 letters, digits, '.', '_' or '-'");
        }
    }

    /**
     * The sources a token of {@code role} is bound to, without repeats: a sender names at least one (a sender bound
     * to none could post nowhere, and binding it to every source would undo what the role is for); the other roles
     * post to every source and name none.
     *
     * @throws IllegalArgumentException saying which rule {@code sources} breaks
     */
    public static List<String> checkSources(Role role, List<String> sources) {
        Objects.requireNonNull(sources, "sources");
        if (role != Role.SENDER) {
            if (!sources.isEmpty()) {
                throw new IllegalArgumentException("only a sender token is bound to webhook sources; a token of role "
                        + role.wireName() + " may post to every source: leave out the sources (--source)");
            }
            return List.of();
        }
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("a sender token may only post to the webhook sources it is bound to, "
                    + "and none was named: name each source it posts to (--source alertmanager, repeated for more)");
        }
        LinkedHashSet<String> bound = new LinkedHashSet<>();
        for (String source : sources) {
            if (source == null || !SOURCE.matcher(source).matches()) {
                throw new IllegalArgumentException("invalid source '" + printable(source) + "': a source is named as "
                        + "under sources: in quench.yaml, 1-64 of [a-z0-9_-] (alertmanager, grafana, pagerduty, or "
                        + "NAME for /hooks/generic/NAME)");
            }
            bound.add(source);
        }
        if (bound.size() > MAX_SOURCES) {
            throw new IllegalArgumentException("a sender token is bound to at most " + MAX_SOURCES + " sources, "
                    + bound.size() + " were named: make one token per sender");
        }
        return List.copyOf(bound);
    }

    private static String printable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(80).forEach(code -> out.append(Character.isISOControl(code)
                ? String.format("\\u%04x", code) : Character.toString(code)));
        return out.toString();
    }

    private Optional<String> nameOfHash(String hash) {
        return jdbi.withHandle(handle -> handle.createQuery("select name from api_token where token_hash = :hash")
                .bind("hash", hash).mapTo(String.class).findOne());
    }

    /** Inserts; false when the name (or hash) is taken. */
    private boolean insert(StoredToken token, String hash) {
        try {
            jdbi.useHandle(handle -> handle.createUpdate("""
                            insert into api_token (name, token_hash, role, team, sources, created_at, created_by,
                                                   expires_at)
                            values (:name, :hash, :role, :team, :sources, :createdAt, :createdBy, :expiresAt)""")
                    .bind("name", token.name()).bind("hash", hash).bind("role", token.role().wireName())
                    .bind("team", token.team())
                    .bind("sources", token.sources().isEmpty() ? null : String.join(",", token.sources())).bind("createdAt", Timestamp.from(token.createdAt()))
                    .bind("createdBy", token.createdBy())
                    .bind("expiresAt", token.expiresAt() == null ? null : Timestamp.from(token.expiresAt()))
                    .execute());
            return true;
        } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
            if (find(token.name()).isPresent() || nameOfHash(hash).isPresent()) {
                return false;
            }
            throw e;
        }
    }

    private static StoredToken map(ResultSet row) throws SQLException {
        String sources = row.getString("sources");
        return new StoredToken(row.getString("name"), Role.parse(row.getString("role")), row.getString("team"),
                sources == null || sources.isEmpty() ? List.of() : List.of(sources.split(",")),
                instant(row, "created_at"), row.getString("created_by"), instant(row, "expires_at"),
                instant(row, "revoked_at"), row.getString("revoked_by"));
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        Timestamp value = row.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }
}
