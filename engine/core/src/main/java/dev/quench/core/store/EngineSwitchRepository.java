package dev.quench.core.store;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Engine-wide switches in the {@code engine_switch} table (today the kill switch, {@code paused}):
 * shared by every engine on the store and kept across restarts. Thread-safe.
 */
public final class EngineSwitchRepository {

    /**
     * A switch as last set.
     *
     * @param enabled   whether it is on
     * @param changedBy who set it
     * @param reason    why, as they said
     * @param changedAt when
     */
    public record EngineSwitch(boolean enabled, String changedBy, String reason, Instant changedAt) {
    }

    private final Jdbi jdbi;

    EngineSwitchRepository(Jdbi jdbi) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    }

    /** The switch {@code name}, or empty if nobody ever set it. */
    public Optional<EngineSwitch> find(String name) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "select enabled, changed_by, reason, changed_at from engine_switch where name = :name")
                .bind("name", name)
                .map((row, context) -> new EngineSwitch(row.getBoolean("enabled"), row.getString("changed_by"),
                        row.getString("reason"), row.getTimestamp("changed_at").toInstant()))
                .findOne());
    }

    /** Sets the switch {@code name} (creating its row the first time) in one transaction. */
    public void set(String name, EngineSwitch value) {
        Objects.requireNonNull(value, "value");
        jdbi.useTransaction(handle -> {
            int updated = handle.createUpdate("""
                            update engine_switch set enabled = :enabled, changed_by = :who, reason = :reason,
                                                     changed_at = :now
                            where name = :name""")
                    .bind("enabled", value.enabled()).bind("who", value.changedBy()).bind("reason", value.reason())
                    .bind("now", Timestamp.from(value.changedAt())).bind("name", name).execute();
            if (updated == 0) {
                handle.createUpdate("""
                                insert into engine_switch (name, enabled, changed_by, reason, changed_at)
                                values (:name, :enabled, :who, :reason, :now)""")
                        .bind("enabled", value.enabled()).bind("who", value.changedBy()).bind("reason", value.reason())
                        .bind("now", Timestamp.from(value.changedAt())).bind("name", name).execute();
            }
        });
    }
}
