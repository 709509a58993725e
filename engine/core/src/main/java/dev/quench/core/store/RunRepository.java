package dev.quench.core.store;

import static dev.quench.core.store.AlertRepository.instant;
import static dev.quench.core.store.AlertRepository.timestamp;
import static dev.quench.core.store.AlertRepository.toJson;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.quench.core.util.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/** Runs and their steps. Thread-safe. */
public final class RunRepository {

    private static final TypeReference<Map<String, Object>> OBJECT_MAP = new TypeReference<>() {
    };

    private final Jdbi jdbi;
    /** Whether claims lock with SKIP LOCKED: null until the database was asked (see skipsLocked). */
    private volatile Boolean skipLocked;

    RunRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Records a new queued run inside {@code transaction}. */
    public void insertQueued(StoreTransaction transaction, RunRecord run) {
        insertQueued(transaction.handle(), run);
    }

    private static void insertQueued(Handle handle, RunRecord run) {
        handle.createUpdate("""
                        insert into run (id, runbook, owner, trigger_type, trigger_detail, alert_id, status, dry_run,
                                         params, manual_minutes, created_at, alert_source, alert_fingerprint)
                        values (:id, :runbook, :owner, :triggerType, :triggerDetail, :alertId, :status, :dryRun,
                                :params, :manualMinutes, :createdAt,
                                (select a.source from alert a where a.id = :alertId),
                                (select a.fingerprint from alert a where a.id = :alertId))""")
                .bind("id", run.id())
                .bind("runbook", run.runbook())
                .bind("owner", run.owner())
                .bind("triggerType", run.triggerType().wireName())
                .bind("triggerDetail", run.triggerDetail())
                .bind("alertId", run.alertId())
                .bind("status", RunStatus.QUEUED.wireName())
                .bind("dryRun", run.dryRun())
                .bind("params", toJson(run.params()))
                .bind("manualMinutes", run.manualMinutes())
                .bind("createdAt", timestamp(run.createdAt()))
                .execute();
    }

    /** Records a new queued run in its own transaction. */
    public void insertQueued(RunRecord run) {
        jdbi.useTransaction(handle -> insertQueued(handle, run));
    }

    /** What every fenced write requires: the run is running and still leased to this holder. */
    private static final String FENCE = "owner_node = :node and lease_generation = :generation and status = :running";

    /**
     * Claims up to {@code limit} queued runs for {@code node}, oldest first, in one transaction: each is
     * moved to running, leased to {@code node} until {@code leaseExpiry} under a new lease generation.
     * On PostgreSQL the candidates are locked with {@code FOR UPDATE SKIP LOCKED}, so nodes claiming at
     * the same time take different runs and never wait for each other.
     *
     * @return the leases, oldest run first; fewer than {@code limit} when the queue holds fewer
     */
    public List<RunLease> claimQueued(String node, int limit, Instant now, Instant leaseExpiry) {
        return jdbi.inTransaction(handle -> {
            // Ordered by the run_queue index's columns (status is fixed), so the database reads only the runs it
            // takes. H2 reads every match of a FOR UPDATE query before its limit: there it locks nothing, and
            // the conditional update below still lets exactly one of two claimers of a run have it (H2 serves
            // one engine; the other claimer takes fewer runs this time).
            List<Map.Entry<String, Long>> candidates = handle.createQuery("""
                            select id, lease_generation from run where status = :queued
                            order by status, created_at, id limit :limit""" + (skipsLocked(handle) ? " for update skip locked" : ""))
                    .bind("queued", RunStatus.QUEUED.wireName())
                    .bind("limit", limit)
                    .map((row, context) -> Map.entry(row.getString("id"), row.getLong("lease_generation")))
                    .list();
            List<RunLease> leases = new java.util.ArrayList<>(candidates.size());
            for (Map.Entry<String, Long> candidate : candidates) {
                long generation = candidate.getValue() + 1;
                if (claimOne(handle, candidate.getKey(), candidate.getValue(), node, now, leaseExpiry) == 1) {
                    leases.add(new RunLease(candidate.getKey(), node, generation));
                }
            }
            return leases;
        });
    }

    /** Whether the database locks with {@code FOR UPDATE SKIP LOCKED} (PostgreSQL) or not (H2); asked once. */
    private boolean skipsLocked(Handle handle) {
        Boolean known = skipLocked;
        if (known == null) {
            try {
                known = handle.getConnection().getMetaData().getDatabaseProductName()
                        .toLowerCase(java.util.Locale.ROOT).contains("postgres");
            } catch (SQLException e) {
                throw new StoreException("cannot read the store's database type: " + e.getMessage(), e);
            }
            skipLocked = known;
        }
        return known;
    }

    private static int claimOne(Handle handle, String runId, long generation, String node, Instant now,
                                Instant leaseExpiry) {
        return handle.createUpdate("""
                        update run set status = :running, started_at = :now, owner_node = :node,
                                       lease_generation = :next, lease_expires_at = :expiry, current_step = null
                        where id = :id and status = :queued and lease_generation = :generation""")
                .bind("id", runId)
                .bind("running", RunStatus.RUNNING.wireName())
                .bind("queued", RunStatus.QUEUED.wireName())
                .bind("now", timestamp(now))
                .bind("node", node)
                .bind("generation", generation)
                .bind("next", generation + 1)
                .bind("expiry", timestamp(leaseExpiry))
                .execute();
    }

    /**
     * Moves one queued run to running for {@code node}, atomically: empty (and nothing changed) when the
     * run is no longer queued — a resolved alert or a user cancelled it, or another node claimed it — so
     * a cancelled run can never start.
     */
    public Optional<RunLease> claim(String runId, String node, Instant startedAt, Instant leaseExpiry) {
        return jdbi.inTransaction(handle -> {
            Optional<Long> generation = handle.createQuery(
                            "select lease_generation from run where id = :id and status = :queued for update")
                    .bind("id", runId)
                    .bind("queued", RunStatus.QUEUED.wireName())
                    .mapTo(Long.class)
                    .findOne();
            if (generation.isEmpty() || claimOne(handle, runId, generation.get(), node, startedAt, leaseExpiry) != 1) {
                return Optional.empty();
            }
            return Optional.of(new RunLease(runId, node, generation.get() + 1));
        });
    }

    /**
     * Records how a leased run ended and the toil it saved.
     *
     * @throws LeaseLostException when {@code lease} no longer holds the run (nothing was written)
     */
    public void finish(RunLease lease, RunStatus status, String message, int toilSavedMinutes, Instant finishedAt) {
        int updated = jdbi.withHandle(handle -> handle.createUpdate("""
                        update run set status = :status, message = :message, toil_saved_minutes = :saved,
                                       finished_at = :finishedAt, lease_expires_at = null
                        where id = :id and\s""" + FENCE)
                .bind("id", lease.runId())
                .bind("status", status.wireName())
                .bind("message", message)
                .bind("saved", toilSavedMinutes)
                .bind("finishedAt", timestamp(finishedAt))
                .bind("node", lease.node())
                .bind("generation", lease.generation())
                .bind("running", RunStatus.RUNNING.wireName())
                .execute());
        if (updated != 1) {
            throw new LeaseLostException(lease, "record it " + status.wireName());
        }
    }

    /** Records how a run that never ran ended (refused, skipped), inside {@code transaction}. */
    public void finishUnstarted(StoreTransaction transaction, String runId, RunStatus status, String message,
                                Instant finishedAt) {
        transaction.handle().createUpdate("""
                        update run set status = :status, message = :message, finished_at = :finishedAt
                        where id = :id and status = :queued""")
                .bind("id", runId)
                .bind("status", status.wireName())
                .bind("message", message)
                .bind("finishedAt", timestamp(finishedAt))
                .bind("queued", RunStatus.QUEUED.wireName())
                .execute();
    }

    /**
     * Records that a step of a leased run started, with its rendered inputs, and makes it the run's
     * current step.
     *
     * @throws LeaseLostException when {@code lease} no longer holds the run (nothing was written: the
     *                            step must not run)
     */
    public void startStep(RunLease lease, StepRecord step) {
        jdbi.useTransaction(handle -> {
            int fenced = handle.createUpdate("update run set current_step = :stepId where id = :id and " + FENCE)
                    .bind("id", lease.runId())
                    .bind("stepId", step.stepId())
                    .bind("node", lease.node())
                    .bind("generation", lease.generation())
                    .bind("running", RunStatus.RUNNING.wireName())
                    .execute();
            if (fenced != 1) {
                throw new LeaseLostException(lease, "start step '" + step.stepId() + "'");
            }
            handle.createUpdate("""
                            insert into run_step (run_id, seq, step_id, uses, status, rendered, stdout, stderr, message,
                                                  started_at)
                            values (:runId, :seq, :stepId, :uses, 'running', :rendered, '', '', '', :startedAt)""")
                    .bind("runId", lease.runId())
                    .bind("seq", step.seq())
                    .bind("stepId", step.stepId())
                    .bind("uses", step.uses())
                    .bind("rendered", toJson(step.rendered()))
                    .bind("startedAt", timestamp(step.startedAt()))
                    .execute();
        });
    }

    /**
     * Records how a step of a leased run ended.
     *
     * @throws LeaseLostException when {@code lease} no longer holds the run (nothing was written)
     */
    public void finishStep(RunLease lease, StepRecord step) {
        int updated = jdbi.withHandle(handle -> handle.createUpdate("""
                        update run_step set status = :status, rendered = :rendered, exit_code = :exitCode,
                                            stdout = :stdout, stderr = :stderr, message = :message,
                                            finished_at = :finishedAt, outputs = :outputs
                        where run_id = :runId and seq = :seq
                          and exists (select 1 from run where id = :runId and\s""" + FENCE + ")")
                .bind("outputs", step.outputs().isEmpty() ? null : toJson(step.outputs()))
                .bind("runId", lease.runId())
                .bind("seq", step.seq())
                .bind("status", step.status())
                .bind("rendered", toJson(step.rendered()))
                .bind("exitCode", step.exitCode())
                .bind("stdout", step.stdout())
                .bind("stderr", step.stderr())
                .bind("message", step.message())
                .bind("finishedAt", timestamp(step.finishedAt()))
                .bind("node", lease.node())
                .bind("generation", lease.generation())
                .bind("running", RunStatus.RUNNING.wireName())
                .execute());
        if (updated != 1) {
            throw new LeaseLostException(lease, "record the end of step '" + step.stepId() + "'");
        }
    }

    /**
     * Running runs whose lease lapsed before {@code now}, oldest lapse first, at most {@code limit}.
     * Several nodes may read the same ones: {@link #takeOver} and {@link #requeue} are conditional on the
     * generation read here, so exactly one of them wins.
     */
    public List<ExpiredLease> expiredLeases(Instant now, int limit) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        select id, owner_node, lease_generation, lease_expires_at, current_step from run
                        where status = :running and lease_expires_at < :now
                        order by lease_expires_at limit :limit""")
                .bind("running", RunStatus.RUNNING.wireName())
                .bind("now", timestamp(now))
                .bind("limit", limit)
                .map((row, context) -> new ExpiredLease(row.getString("id"), row.getString("owner_node"),
                        row.getLong("lease_generation"), instant(row.getTimestamp("lease_expires_at")),
                        Optional.ofNullable(row.getString("current_step"))))
                .list());
    }

    /**
     * Running runs owned by {@code node} (a previous life of this node id) or by no node (left by a
     * version before leases): their holder is gone for certain.
     */
    public List<ExpiredLease> leasesOf(String node) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        select id, owner_node, lease_generation, lease_expires_at, current_step from run
                        where status = :running and (owner_node = :node or owner_node is null)
                        order by created_at""")
                .bind("running", RunStatus.RUNNING.wireName())
                .bind("node", node)
                .map((row, context) -> new ExpiredLease(row.getString("id"),
                        Optional.ofNullable(row.getString("owner_node")).orElse("(none)"),
                        row.getLong("lease_generation"), instant(row.getTimestamp("lease_expires_at")),
                        Optional.ofNullable(row.getString("current_step"))))
                .list());
    }

    /** Every running run, whoever holds it: on H2, where one engine owns the store, all are its own. */
    public List<ExpiredLease> runningLeases() {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        select id, owner_node, lease_generation, lease_expires_at, current_step from run
                        where status = :running order by created_at""")
                .bind("running", RunStatus.RUNNING.wireName())
                .map((row, context) -> new ExpiredLease(row.getString("id"),
                        Optional.ofNullable(row.getString("owner_node")).orElse("(none)"),
                        row.getLong("lease_generation"), instant(row.getTimestamp("lease_expires_at")),
                        Optional.ofNullable(row.getString("current_step"))))
                .list());
    }

    /**
     * Takes a run whose lease lapsed over for {@code node}, still running, under a new generation: from
     * now on its old holder's writes are refused. Empty when someone else took it over first or it ended.
     */
    public Optional<RunLease> takeOver(ExpiredLease expired, String node, Instant leaseExpiry) {
        int updated = jdbi.withHandle(handle -> handle.createUpdate("""
                        update run set owner_node = :node, lease_generation = :next, lease_expires_at = :expiry
                        where id = :id and status = :running and lease_generation = :generation""")
                .bind("id", expired.runId())
                .bind("node", node)
                .bind("generation", expired.generation())
                .bind("next", expired.generation() + 1)
                .bind("expiry", timestamp(leaseExpiry))
                .bind("running", RunStatus.RUNNING.wireName())
                .execute());
        return updated == 1 ? Optional.of(new RunLease(expired.runId(), node, expired.generation() + 1))
                : Optional.empty();
    }

    /**
     * Puts a run whose lease lapsed before it started any step back in the queue, under a new
     * generation; false when someone else took it over first or it ended.
     */
    public boolean requeue(ExpiredLease expired) {
        return jdbi.withHandle(handle -> handle.createUpdate("""
                        update run set status = :queued, owner_node = null, lease_generation = :next,
                                       lease_expires_at = null, started_at = null, current_step = null
                        where id = :id and status = :running and lease_generation = :generation
                          and current_step is null""")
                .bind("id", expired.runId())
                .bind("generation", expired.generation())
                .bind("next", expired.generation() + 1)
                .bind("running", RunStatus.RUNNING.wireName())
                .bind("queued", RunStatus.QUEUED.wireName())
                .execute()) == 1;
    }

    /** The highest step number recorded for {@code runId} (0 when none): steps added later follow it. */
    public int lastStepSeq(String runId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "select coalesce(max(seq), 0) from run_step where run_id = :id")
                .bind("id", runId).mapTo(Integer.class).one());
    }

    /** A run with its steps. */
    public Optional<RunRecord> find(String runId) {
        return jdbi.withHandle(handle -> handle.createQuery("select * from run where id = :id")
                .bind("id", runId)
                .map(RunRepository::mapRun)
                .findOne()
                .map(run -> run.withSteps(handle.createQuery("select * from run_step where run_id = :id order by seq")
                        .bind("id", runId)
                        .map(RunRepository::mapStep)
                        .list())));
    }

    /** Runs newest first, optionally filtered; without their steps. */
    public List<RunRecord> list(RunStatus status, String runbook, int limit) {
        return list(status, runbook, null, limit);
    }

    /** Runs newest first, optionally filtered (by the owning team too: a team-scoped token's view); without their steps. */
    public List<RunRecord> list(RunStatus status, String runbook, String owner, int limit) {
        StringBuilder sql = new StringBuilder("select * from run where 1 = 1");
        if (status != null) {
            sql.append(" and status = :status");
        }
        if (runbook != null) {
            sql.append(" and runbook = :runbook");
        }
        if (owner != null) {
            sql.append(" and owner = :owner");
        }
        sql.append(" order by created_at desc, id desc limit :limit");
        return jdbi.withHandle(handle -> {
            Query query = handle.createQuery(sql.toString()).bind("limit", limit);
            if (status != null) {
                query.bind("status", status.wireName());
            }
            if (runbook != null) {
                query.bind("runbook", runbook);
            }
            if (owner != null) {
                query.bind("owner", owner);
            }
            return query.map(RunRepository::mapRun).list();
        });
    }

    /**
     * How many runs are queued, running and awaiting approval (each status present, zero ones too), in
     * one query: the {@code quench_runs{state}} gauges read it per scrape.
     */
    public Map<RunStatus, Long> countUnfinished() {
        Map<RunStatus, Long> counts = new java.util.EnumMap<>(RunStatus.class);
        List.of(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.AWAITING_APPROVAL).forEach(status -> counts.put(status, 0L));
        jdbi.useHandle(handle -> handle.createQuery(
                        "select status, count(*) as runs from run where status in (:queued, :running, :awaiting) "
                                + "group by status")
                .bind("queued", RunStatus.QUEUED.wireName())
                .bind("running", RunStatus.RUNNING.wireName())
                .bind("awaiting", RunStatus.AWAITING_APPROVAL.wireName())
                .map((row, context) -> Map.entry(RunStatus.parse(row.getString("status")), row.getLong("runs")))
                .forEach(entry -> counts.put(entry.getKey(), entry.getValue())));
        return counts;
    }

    /** Ids of runs in {@code status}, oldest first. */
    public List<String> idsWithStatus(RunStatus status) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "select id from run where status = :status order by created_at, id")
                .bind("status", status.wireName())
                .mapTo(String.class)
                .list());
    }

    /** Ids of up to {@code limit} queued runs, oldest first: the order in which they start. */
    public List<String> oldestQueued(int limit) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "select id from run where status = :status order by created_at, id limit :limit")
                .bind("status", RunStatus.QUEUED.wireName())
                .bind("limit", limit)
                .mapTo(String.class)
                .list());
    }

    /** Finished, non-dry runs since {@code since}, for the toil ledger. */
    public List<RunRecord> finishedSince(Instant since) {
        return finishedBetween(since, null);
    }

    /** Finished, non-dry runs that finished in [{@code since}, {@code until}) (no end when until is null). */
    public List<RunRecord> finishedBetween(Instant since, Instant until) {
        return jdbi.withHandle(handle -> {
            Query query = handle.createQuery("""
                            select * from run
                            where finished_at >= :since and dry_run = false"""
                            + (until == null ? "" : " and finished_at < :until") + " order by finished_at")
                    .bind("since", timestamp(since));
            if (until != null) {
                query.bind("until", timestamp(until));
            }
            return query.map(RunRepository::mapRun).list();
        });
    }

    /** How many runs the store holds for {@code alertId}. */
    public int countForAlert(long alertId) {
        return jdbi.withHandle(handle -> handle.createQuery("select count(*) from run where alert_id = :id")
                .bind("id", alertId).mapTo(Integer.class).one());
    }

    /**
     * Records the runs of one alert ({@code source}, {@code fingerprint}) that have not started (queued or
     * awaiting approval) as cancelled with {@code reason}, inside {@code transaction}; returns their ids,
     * oldest first.
     */
    public List<String> cancelWaitingRunsOfAlert(StoreTransaction transaction, String source, String fingerprint,
                                                 String reason, Instant now) {
        Handle handle = transaction.handle();
        List<String> waiting = List.of(RunStatus.QUEUED.wireName(), RunStatus.AWAITING_APPROVAL.wireName());
        List<String> ids = handle.createQuery("""
                        select r.id from run r
                        where r.alert_source = :source and r.alert_fingerprint = :fingerprint and r.status in (<waiting>)
                        order by r.created_at""")
                .bind("source", source)
                .bind("fingerprint", fingerprint)
                .bindList("waiting", waiting)
                .mapTo(String.class)
                .list();
        for (String id : ids) {
            handle.createUpdate("""
                            update run set status = :cancelled, message = :reason, finished_at = :now
                            where id = :id and status in (<waiting>)""")
                    .bind("cancelled", RunStatus.CANCELLED.wireName())
                    .bind("reason", reason)
                    .bind("now", timestamp(now))
                    .bind("id", id)
                    .bindList("waiting", waiting)
                    .execute();
        }
        return ids;
    }

    /**
     * The id of a run of {@code runbook} for one alert ({@code source}, {@code fingerprint}) that has not
     * finished (queued, running or awaiting approval), read inside {@code transaction}, if there is one.
     */
    public Optional<String> unfinishedRunOfAlert(StoreTransaction transaction, String runbook, String source,
                                                 String fingerprint) {
        return transaction.handle().createQuery("""
                        select r.id from run r
                        where r.runbook = :runbook and r.status in (<active>)
                          and r.alert_source = :source and r.alert_fingerprint = :fingerprint
                        fetch first 1 rows only""")
                .bind("runbook", runbook)
                .bindList("active", List.of(RunStatus.QUEUED.wireName(), RunStatus.RUNNING.wireName(),
                        RunStatus.AWAITING_APPROVAL.wireName()))
                .bind("source", source)
                .bind("fingerprint", fingerprint)
                .mapTo(String.class)
                .findFirst();
    }

    private static RunRecord mapRun(ResultSet row, StatementContext context) throws SQLException {
        long alertIdValue = row.getLong("alert_id");
        Long alertId = row.wasNull() ? null : alertIdValue;
        return new RunRecord(
                row.getString("id"),
                row.getString("runbook"),
                row.getString("owner"),
                TriggerType.parse(row.getString("trigger_type")),
                row.getString("trigger_detail"),
                alertId,
                RunStatus.parse(row.getString("status")),
                row.getBoolean("dry_run"),
                fromJson(row.getString("params")),
                row.getInt("manual_minutes"),
                row.getInt("toil_saved_minutes"),
                row.getString("message"),
                instant(row.getTimestamp("created_at")),
                instant(row.getTimestamp("started_at")),
                instant(row.getTimestamp("finished_at")),
                List.of());
    }

    private static StepRecord mapStep(ResultSet row, StatementContext context) throws SQLException {
        int exitCode = row.getInt("exit_code");
        Integer exit = row.wasNull() ? null : exitCode;
        return new StepRecord(
                row.getInt("seq"),
                row.getString("step_id"),
                row.getString("uses"),
                row.getString("status"),
                fromJson(row.getString("rendered")),
                exit,
                row.getString("stdout"),
                row.getString("stderr"),
                row.getString("message"),
                instant(row.getTimestamp("started_at")),
                instant(row.getTimestamp("finished_at")),
                fromJson(row.getString("outputs")));
    }

    private static Map<String, Object> fromJson(String json) {
        try {
            return json == null ? Map.of() : Json.json().readValue(json, OBJECT_MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is not valid: " + json, e);
        }
    }
}
