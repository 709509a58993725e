package dev.quench.core.store;

import static dev.quench.core.store.AlertRepository.instant;
import static dev.quench.core.store.AlertRepository.timestamp;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** The nodes of a cluster and their heartbeats. Thread-safe. */
public final class NodeRepository {

    private final Jdbi jdbi;

    NodeRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Records that node {@code id} started (again, if the id was used before). */
    public void register(String id, String address, Instant startedAt) {
        jdbi.useTransaction(handle -> {
            int updated = handle.createUpdate("""
                            update cluster_node set started_at = :now, last_heartbeat = :now, address = :address
                            where id = :id""")
                    .bind("id", id).bind("address", address).bind("now", timestamp(startedAt)).execute();
            if (updated == 0) {
                handle.createUpdate("""
                                insert into cluster_node (id, started_at, last_heartbeat, address)
                                values (:id, :now, :now, :address)""")
                        .bind("id", id).bind("address", address).bind("now", timestamp(startedAt)).execute();
            }
        });
    }

    /**
     * One heartbeat of node {@code id}: its own row, and the lease of each run in {@code executing} that
     * it still holds renewed until {@code leaseExpiry}, in one transaction. A run leased to the node but
     * not executing there (it could not start) is not renewed: its lease lapses and it is taken over.
     *
     * @return the ids of the runs it holds (a run it executes that is missing was taken from it)
     */
    public List<String> heartbeat(String id, Instant now, Instant leaseExpiry, java.util.Collection<String> executing) {
        return jdbi.inTransaction(handle -> {
            handle.createUpdate("update cluster_node set last_heartbeat = :now where id = :id")
                    .bind("id", id).bind("now", timestamp(now)).execute();
            if (!executing.isEmpty()) {
                handle.createUpdate("""
                                update run set lease_expires_at = :expiry
                                where owner_node = :id and status = :running and id in (<executing>)""")
                        .bind("id", id).bind("expiry", timestamp(leaseExpiry))
                        .bindList("executing", List.copyOf(executing))
                        .bind("running", RunStatus.RUNNING.wireName()).execute();
            }
            return handle.createQuery("select id from run where owner_node = :id and status = :running")
                    .bind("id", id).bind("running", RunStatus.RUNNING.wireName())
                    .mapTo(String.class).list();
        });
    }

    /**
     * Removes node {@code id}'s row when it holds no running run (a node that stops cleanly leaves no row).
     *
     * @return whether the row was removed
     */
    public boolean remove(String id) {
        return jdbi.withHandle(handle -> handle.createUpdate("""
                        delete from cluster_node where id = :id
                        and not exists (select 1 from run where owner_node = :id and status = :running)""")
                .bind("id", id).bind("running", RunStatus.RUNNING.wireName()).execute()) > 0;
    }

    /**
     * Forgets nodes whose last heartbeat is older than {@code silentSince} and that hold no running run
     * (their runs were taken over first): a dead node stays listed for a while, then goes.
     *
     * @return how many rows were removed
     */
    public int forgetSilent(Instant silentSince) {
        return jdbi.withHandle(handle -> handle.createUpdate("""
                        delete from cluster_node where last_heartbeat < :cutoff
                        and not exists (select 1 from run where run.owner_node = cluster_node.id and run.status = :running)""")
                .bind("cutoff", timestamp(silentSince)).bind("running", RunStatus.RUNNING.wireName()).execute());
    }

    /** Every node, the most recent heartbeat first, with the runs each holds. */
    public List<ClusterNodeRecord> list() {
        return jdbi.withHandle(handle -> {
            Map<String, List<String>> running = new HashMap<>();
            handle.createQuery("""
                            select owner_node, id from run where status = :running and owner_node is not null
                            order by created_at""")
                    .bind("running", RunStatus.RUNNING.wireName())
                    .map((row, context) -> Map.entry(row.getString("owner_node"), row.getString("id")))
                    .forEach(entry -> running.computeIfAbsent(entry.getKey(), key -> new ArrayList<>())
                            .add(entry.getValue()));
            return handle.createQuery("select * from cluster_node order by last_heartbeat desc, id")
                    .map((row, context) -> new ClusterNodeRecord(row.getString("id"), row.getString("address"),
                            instant(row.getTimestamp("started_at")), instant(row.getTimestamp("last_heartbeat")),
                            running.getOrDefault(row.getString("id"), List.of())))
                    .list();
        });
    }
}
