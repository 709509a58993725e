package dev.quench.core.guard;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The kill switch: while paused, no new run starts, on any engine sharing the store (the state
 * lives in the store's {@code engine_switch} table, so it also survives a restart). Alerts are
 * still recorded and matched; their runs wait as queued until {@code resume}. Thread-safe.
 */
public final class KillSwitch {

    private static final String PAUSED = "paused";

    private final Jdbi jdbi;
    private final Clock clock;

    public KillSwitch(Jdbi jdbi, Clock clock) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The state of the switch.
     *
     * @param paused    whether new runs are held
     * @param changedBy who flipped it last, empty if nobody ever did
     * @param reason    why, as they said
     * @param changedAt when, or null
     */
    public record State(boolean paused, String changedBy, String reason, Instant changedAt) {
    }

    /** Whether new runs are held now. Reads the store: another engine may have flipped it. */
    public boolean paused() {
        return state().paused();
    }

    public State state() {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "select enabled, changed_by, reason, changed_at from engine_switch where name = :name")
                .bind("name", PAUSED)
                .map((row, context) -> new State(row.getBoolean("enabled"), row.getString("changed_by"),
                        row.getString("reason"), row.getTimestamp("changed_at").toInstant()))
                .findOne())
                .orElse(new State(false, "", "", null));
    }

    /** Pauses (or resumes) every engine on this store; returns the new state. */
    public State set(boolean paused, String who, String reason) {
        Instant now = clock.instant();
        String actor = Optional.ofNullable(who).filter(text -> !text.isBlank()).orElse("unknown");
        String why = reason == null ? "" : reason;
        jdbi.useTransaction(handle -> {
            int updated = handle.createUpdate("""
                            update engine_switch set enabled = :enabled, changed_by = :who, reason = :reason,
                                                     changed_at = :now
                            where name = :name""")
                    .bind("enabled", paused).bind("who", actor).bind("reason", why)
                    .bind("now", Timestamp.from(now)).bind("name", PAUSED).execute();
            if (updated == 0) {
                handle.createUpdate("""
                                insert into engine_switch (name, enabled, changed_by, reason, changed_at)
                                values (:name, :enabled, :who, :reason, :now)""")
                        .bind("enabled", paused).bind("who", actor).bind("reason", why)
                        .bind("now", Timestamp.from(now)).bind("name", PAUSED).execute();
            }
        });
        return new State(paused, actor, why, now);
    }
}
