package dev.quench.core.store;

import static dev.quench.core.store.AlertRepository.timestamp;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Cancel requests for runs executing on another node of the cluster: the node a cancel reaches records
 * it, the node holding the run's lease reads it at its next heartbeat, stops the run and deletes it.
 * Thread-safe.
 */
public final class CancelRequestRepository {

    /** Longest reason kept (the column's width). */
    private static final int MAX_REASON = 4000;

    private final Jdbi jdbi;

    CancelRequestRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** A request to stop a run, with the message the run ends with. */
    public record CancelRequest(String runId, String reason) {
    }

    /**
     * Records a request to stop run {@code runId} when it is running on a node other than {@code here}
     * (a second request keeps the first one's reason).
     *
     * @return whether the run is running on another node (and so the request was recorded or already was)
     */
    public boolean request(String runId, String here, String reason, Instant now) {
        return jdbi.inTransaction(handle -> {
            boolean elsewhere = handle.createQuery("""
                            select count(*) from run where id = :id and status = :running
                            and owner_node is not null and owner_node <> :here""")
                    .bind("id", runId).bind("here", here).bind("running", RunStatus.RUNNING.wireName())
                    .mapTo(Integer.class).one() > 0;
            if (elsewhere) {
                handle.createUpdate("""
                                insert into run_cancel_request (run_id, reason, requested_at)
                                select :id, :reason, :now from run
                                where id = :id and not exists (select 1 from run_cancel_request where run_id = :id)""")
                        .bind("id", runId).bind("reason", cap(reason)).bind("now", timestamp(now)).execute();
            }
            return elsewhere;
        });
    }

    /**
     * Records a request to stop every run running on a node other than {@code here}.
     *
     * @return the ids of those runs
     */
    public List<String> requestAllElsewhere(String here, String reason, Instant now) {
        return jdbi.inTransaction(handle -> {
            List<String> ids = handle.createQuery("""
                            select id from run where status = :running and owner_node is not null and owner_node <> :here
                            order by created_at""")
                    .bind("here", here).bind("running", RunStatus.RUNNING.wireName()).mapTo(String.class).list();
            for (String id : ids) {
                handle.createUpdate("""
                                insert into run_cancel_request (run_id, reason, requested_at)
                                select :id, :reason, :now from run
                                where id = :id and not exists (select 1 from run_cancel_request where run_id = :id)""")
                        .bind("id", id).bind("reason", cap(reason)).bind("now", timestamp(now)).execute();
            }
            return ids;
        });
    }

    /** The requests for runs node {@code node} holds, oldest first. */
    public List<CancelRequest> forNode(String node) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        select c.run_id, c.reason from run_cancel_request c join run r on r.id = c.run_id
                        where r.owner_node = :node and r.status = :running order by c.requested_at""")
                .bind("node", node).bind("running", RunStatus.RUNNING.wireName())
                .map((row, context) -> new CancelRequest(row.getString("run_id"), row.getString("reason")))
                .list());
    }

    /** Deletes the request of {@code runId} (it was carried out). */
    public void done(String runId) {
        jdbi.useHandle(handle -> handle.createUpdate("delete from run_cancel_request where run_id = :id")
                .bind("id", runId).execute());
    }

    /**
     * Deletes the requests of runs that ended (or were taken over as interrupted) before their node read the
     * request. A run queued again after its node died keeps its request: the node that claims it next stops it.
     *
     * @return how many were deleted
     */
    public int forgetEnded() {
        return jdbi.withHandle(handle -> handle.createUpdate("""
                        delete from run_cancel_request where not exists
                        (select 1 from run where run.id = run_cancel_request.run_id and run.status in (:running, :queued))""")
                .bind("running", RunStatus.RUNNING.wireName()).bind("queued", RunStatus.QUEUED.wireName()).execute());
    }

    private static String cap(String reason) {
        return reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON - 1) + "…";
    }
}
