package dev.quench.core.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Console sessions in {@code console_session}, found by the hash of their id (the caller hashes: the
 * store never sees a cookie). Thread-safe.
 */
public final class ConsoleSessionRepository {

    private final Jdbi jdbi;

    ConsoleSessionRepository(Jdbi jdbi) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    }

    public void create(ConsoleSession session) {
        Objects.requireNonNull(session, "session");
        jdbi.useHandle(handle -> handle.createUpdate("""
                        insert into console_session (id_hash, token_hash, token_name, created_at, expires_at)
                        values (:idHash, :tokenHash, :tokenName, :createdAt, :expiresAt)""")
                .bind("idHash", session.idHash()).bind("tokenHash", session.tokenHash())
                .bind("tokenName", session.tokenName()).bind("createdAt", Timestamp.from(session.createdAt()))
                .bind("expiresAt", Timestamp.from(session.expiresAt())).execute());
    }

    /** The session of that id hash that works at {@code now}; empty when unknown, signed out or expired. */
    public Optional<ConsoleSession> findActive(String idHash, Instant now) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "select * from console_session where id_hash = :idHash and expires_at > :now")
                .bind("idHash", idHash).bind("now", Timestamp.from(now))
                .map((row, context) -> map(row)).findOne());
    }

    /** Ends one session (sign-out); true when there was one. */
    public boolean delete(String idHash) {
        return jdbi.withHandle(handle -> handle.createUpdate("delete from console_session where id_hash = :idHash")
                .bind("idHash", idHash).execute()) > 0;
    }

    /** Ends every session of the token {@code tokenName} (its revocation); returns how many. */
    public int deleteForToken(String tokenName) {
        return jdbi.withHandle(handle -> handle.createUpdate("delete from console_session where token_name = :name")
                .bind("name", tokenName).execute());
    }

    /** Deletes sessions expired before {@code now}; returns how many. */
    public int deleteExpired(Instant now) {
        return jdbi.withHandle(handle -> handle.createUpdate("delete from console_session where expires_at <= :now")
                .bind("now", Timestamp.from(now)).execute());
    }

    private static ConsoleSession map(ResultSet row) throws SQLException {
        return new ConsoleSession(row.getString("id_hash"), row.getString("token_hash"), row.getString("token_name"),
                row.getTimestamp("created_at").toInstant(), row.getTimestamp("expires_at").toInstant());
    }
}
