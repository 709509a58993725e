package dev.quench.core.store;

import java.time.Duration;
import java.time.Instant;
import org.jdbi.v3.core.Jdbi;

/**
 * Store-wide leases for maintenance that one node at a time must do (retention): a row per kind of work,
 * taken by one atomic update when it is free or expired, renewed by its holder. Works the same on H2 and
 * PostgreSQL; no lock is held between calls. Thread-safe.
 */
public final class MaintenanceLeaseRepository {

    private final Jdbi jdbi;

    MaintenanceLeaseRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Takes or renews the lease {@code name} for {@code holder} until {@code now + ttl}: true when this
     * holder has it now, false when another holder's lease has not expired.
     */
    public boolean tryAcquire(String name, String holder, Instant now, Duration ttl) {
        return jdbi.withHandle(handle -> handle.createUpdate("""
                        update maintenance_lease
                        set holder = :holder, expires_at = :until,
                            generation = case when holder = :holder then generation else generation + 1 end
                        where name = :name and (holder = :holder or expires_at <= :now)""")
                .bind("name", name)
                .bind("holder", holder)
                .bind("now", AlertRepository.timestamp(now))
                .bind("until", AlertRepository.timestamp(now.plus(ttl)))
                .execute()) == 1;
    }

    /** Gives the lease back early, if {@code holder} has it, so another node need not wait for it to expire. */
    public void release(String name, String holder, Instant now) {
        jdbi.useHandle(handle -> handle.createUpdate(
                        "update maintenance_lease set expires_at = :now where name = :name and holder = :holder")
                .bind("name", name)
                .bind("holder", holder)
                .bind("now", AlertRepository.timestamp(now))
                .execute());
    }
}
