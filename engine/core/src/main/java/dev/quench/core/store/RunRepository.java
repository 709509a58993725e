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
import org.jdbi.v3.core.statement.Update;

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
        insertQueued(transaction.handle(), run, null);
    }

    /**
     * Inserts {@code run} as queued in {@code incidentId}'s incident (null for none), inside {@code transaction}:
     * one statement where inserting it and then attaching it to its incident took two.
     */
    public void insertQueued(StoreTransaction transaction, RunRecord run, String incidentId) {
        insertQueued(transaction.handle(), run, incidentId);
    }

    private static void insertQueued(Handle handle, RunRecord run, String incidentId) {
        handle.createUpdate("""
                        insert into run (id, runbook, owner, trigger_type, trigger_detail, alert_id, status, dry_run,
                                         params, manual_minutes, created_at, alert_source, alert_fingerprint,
                                         incident_id)
                        values (:id, :runbook, :owner, :triggerType, :triggerDetail, :alertId, :status, :dryRun,
                                :params, :manualMinutes, :createdAt,
                                (select a.source from alert a where a.id = :alertId),
                                (select a.fingerprint from alert a where a.id = :alertId), :incidentId)""")
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
                .bind("incidentId", incidentId)
                .execute();
    }

    /**
     * The latest run of a runbook (the console's "last outcome").
     *
     * @param runbook    the runbook
     * @param id         the run
     * @param status     where it is
     * @param createdAt  when it was queued
     * @param finishedAt when it ended, or null
     */
    public record LastRun(String runbook, String id, RunStatus status, Instant createdAt, Instant finishedAt) {
    }

    /**
     * The latest run of each of {@code runbooks} that has one (a page of the runbooks list: one query, however
     * many runs there are), by runbook name.
     */
    public Map<String, LastRun> lastRuns(java.util.Collection<String> runbooks) {
        if (runbooks.isEmpty()) {
            return Map.of();
        }
        Map<String, LastRun> last = new java.util.HashMap<>();
        jdbi.useHandle(handle -> handle.createQuery("""
                        select runbook, id, status, created_at, finished_at from (
                            select runbook, id, status, created_at, finished_at,
                                   row_number() over (partition by runbook order by created_at desc, id desc) as n
                            from run where runbook in (<runbooks>)) latest
                        where n = 1""")
                .bindList("runbooks", List.copyOf(runbooks))
                .map((row, context) -> new LastRun(row.getString("runbook"), row.getString("id"),
                        RunStatus.parse(row.getString("status")), instant(row.getTimestamp("created_at")),
                        instant(row.getTimestamp("finished_at"))))
                .forEach(found -> last.put(found.runbook(), found)));
        return last;
    }

    /** Records a new queued run in its own transaction. */
    public void insertQueued(RunRecord run) {
        jdbi.useTransaction(handle -> insertQueued(handle, run, null));
    }

    /** What every fenced write requires: the run is running and still leased to this holder. */
    private static final String FENCE = "owner_node = :node and lease_generation = :generation and status = :running";

    /** The end of a step: its status, rendered inputs, exit code, output, message, time and outputs. */
    private static final String END_STEP = """
            update run_step set status = :status, rendered = :rendered, exit_code = :exitCode,
                                stdout = :stdout, stderr = :stderr, message = :message,
                                finished_at = :finishedAt, outputs = :outputs
            where run_id = :runId and seq = :seq""";

    /**
     * Claims up to {@code limit} queued runs for {@code node}, oldest first, in one transaction: each is
     * moved to running, leased to {@code node} until {@code leaseExpiry} under a new lease generation.
     * On PostgreSQL the candidates are locked with {@code FOR UPDATE SKIP LOCKED}, so nodes claiming at
     * the same time take different runs and never wait for each other.
     *
     * @return the leases, oldest run first; fewer than {@code limit} when the queue holds fewer
     */
    public List<RunLease> claimQueued(String node, int limit, Instant now, Instant leaseExpiry) {
        return claimQueuedRuns(node, limit, now, leaseExpiry).stream().map(ClaimedRun::lease).toList();
    }

    /**
     * As {@link #claimQueued}, returning each claimed run as claimed (running, started {@code now}) with the
     * stored alert that started it, read in the same transaction: the caller starts them without reading
     * them again.
     */
    public List<ClaimedRun> claimQueuedRuns(String node, int limit, Instant now, Instant leaseExpiry) {
        // Not awaited on an embedded store: a claim lost to a crash leaves its run queued, and it is run then;
        // the claimed run's first step start, which is awaited, carries the claim to the file.
        return DurableDataSource.deferring(() -> jdbi.inTransaction(handle -> {
            // Ordered by the run_queue index's columns (status is fixed), so the database reads only the runs it
            // takes. H2 reads every match of a FOR UPDATE query before its limit: there it locks nothing, and
            // the conditional update below still lets exactly one of two claimers of a run have it (H2 serves
            // one engine; the other claimer takes fewer runs this time).
            // A run with a lock key (guards.lockKey) is a candidate only while no running run holds its key and
            // no older queued run waits for it: one holder per key, first come first served, and runs waiting
            // for a key never take the places of runs that could start.
            List<Candidate> candidates = handle.createQuery("""
                            select * from run r where status = :queued
                              and (lock_key is null or (
                                   not exists (select 1 from run h where h.lock_key = r.lock_key and h.status = :running)
                               and not exists (select 1 from run o where o.lock_key = r.lock_key and o.status = :queued
                                                 and (o.created_at < r.created_at
                                                      or (o.created_at = r.created_at and o.id < r.id)))))
                            order by status, created_at, id limit :limit""" + (skipsLocked(handle) ? " for update skip locked" : ""))
                    .bind("queued", RunStatus.QUEUED.wireName())
                    .bind("running", RunStatus.RUNNING.wireName())
                    .bind("limit", limit)
                    .map((row, context) -> new Candidate(mapRun(row, context), row.getLong("lease_generation"),
                            row.getString("lock_key")))
                    .list();
            java.util.Set<String> held = lockKeysHeld(handle, candidates);
            List<Candidate> claimed = new java.util.ArrayList<>(candidates.size());
            for (Candidate candidate : candidates) {
                if (candidate.lockKey() != null && !held.add(candidate.lockKey())) {
                    continue; // its key is held (or was just taken in this batch): it stays queued, first in line
                }
                if (claimOne(handle, candidate.id(), candidate.generation(), node, now, leaseExpiry) == 1) {
                    claimed.add(candidate);
                }
            }
            Map<Long, StoredAlert> alerts = AlertRepository.findAll(handle, claimed.stream()
                    .map(candidate -> candidate.run().alertId()).filter(java.util.Objects::nonNull).toList());
            return claimed.stream().map(candidate -> new ClaimedRun(
                    new RunLease(candidate.id(), node, candidate.generation() + 1), candidate.run().claimed(now),
                    Optional.ofNullable(candidate.run().alertId()).map(alerts::get))).toList();
        }));
    }

    private record Candidate(RunRecord run, long generation, String lockKey) {

        String id() {
            return run.id();
        }
    }

    /**
     * Locks the {@code run_lock} rows of the candidates' keys (sorted, so two claiming nodes never wait for
     * each other in a circle) and returns the keys a running run holds now: checked again under the row lock,
     * so two nodes never start two holders of one key.
     */
    private static java.util.Set<String> lockKeysHeld(Handle handle, List<Candidate> candidates) {
        java.util.SortedSet<String> keys = new java.util.TreeSet<>();
        candidates.forEach(candidate -> {
            if (candidate.lockKey() != null) {
                keys.add(candidate.lockKey());
            }
        });
        if (keys.isEmpty()) {
            return new java.util.HashSet<>();
        }
        handle.createQuery("select lock_key from run_lock where lock_key in (<keys>) order by lock_key for update")
                .bindList("keys", List.copyOf(keys)).mapTo(String.class).list();
        return new java.util.HashSet<>(handle.createQuery(
                        "select distinct lock_key from run where lock_key in (<keys>) and status = :running")
                .bindList("keys", List.copyOf(keys)).bind("running", RunStatus.RUNNING.wireName())
                .mapTo(String.class).list());
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
     * Records how a leased run ended and the toil it saved. One incident's toil is credited once per runbook:
     * a run of an incident whose runbook already saved toil in that incident (another alert of the same
     * incident started it first) is recorded saving 0 minutes.
     *
     * @return the minutes recorded as saved ({@code toilSavedMinutes}, or 0 as above)
     * @throws LeaseLostException when {@code lease} no longer holds the run (nothing was written)
     */
    public int finish(RunLease lease, RunStatus status, String message, int toilSavedMinutes, Instant finishedAt) {
        return finish(lease, List.of(), status, message, toilSavedMinutes, finishedAt);
    }

    /**
     * As {@link #finish(RunLease, RunStatus, String, int, Instant)}, recording in the same transaction how the
     * steps {@code endedSteps} ended (the run's last steps, whose ends were not recorded yet).
     *
     * @throws LeaseLostException when {@code lease} no longer holds the run (nothing was written, steps neither)
     */
    public int finish(RunLease lease, List<StepRecord> endedSteps, RunStatus status, String message,
                      int toilSavedMinutes, Instant finishedAt) {
        // The incident's row can be held by the dispatcher's batch transaction placing more of its alerts: a run's
        // end waits that out rather than being lost to H2's 2 s lock timeout.
        String what = "recording run " + lease.runId() + " " + status.wireName();
        Integer saved = LockWaits.retried(what, () -> jdbi.inTransaction(handle -> {
            if (toilSavedMinutes > 0) {
                // Two runs of one incident ending at once (on two threads or nodes) would each see no credit
                // yet: the incident's row orders them, and the second then sees the first's committed credit.
                handle.createQuery("select coalesce(incident_id, '') from run where id = :id").bind("id", lease.runId())
                        .mapTo(String.class).findFirst().filter(incident -> !incident.isEmpty())
                        .ifPresent(incident -> handle.createQuery(
                                "select id from incident where id = :incident for update")
                        .bind("incident", incident).mapTo(String.class).list());
            }
            int updated = handle.createUpdate("""
                        update run set status = :status, message = :message, finished_at = :finishedAt,
                                       lease_expires_at = null,
                                       toil_saved_minutes = case when incident_id is not null and exists (
                                           select 1 from run credited where credited.incident_id = run.incident_id
                                             and credited.runbook = run.runbook and credited.id <> run.id
                                             and credited.toil_saved_minutes > 0) then 0 else :saved end
                        where id = :id and\s""" + FENCE)
                .bind("id", lease.runId())
                .bind("status", status.wireName())
                .bind("message", message)
                .bind("saved", toilSavedMinutes)
                .bind("finishedAt", timestamp(finishedAt))
                .bind("node", lease.node())
                .bind("generation", lease.generation())
                .bind("running", RunStatus.RUNNING.wireName())
                .execute();
            if (updated != 1) {
                return null;
            }
            // The run's row was fenced and is locked by this transaction: its steps need no fence of their own.
            endedSteps.forEach(step -> endStep(handle, lease.runId(), step));
            return toilSavedMinutes == 0 ? 0 : handle.createQuery("select toil_saved_minutes from run where id = :id")
                    .bind("id", lease.runId()).mapTo(Integer.class).one();
        }));
        if (saved == null) {
            throw new LeaseLostException(lease, "record it " + status.wireName());
        }
        return saved;
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
        startStep(lease, List.of(), step);
    }

    /**
     * As {@link #startStep(RunLease, StepRecord)}, recording in the same transaction how the steps
     * {@code endedSteps} ended (the steps before it, whose ends were not recorded yet): one transaction
     * between two steps instead of two.
     *
     * @throws LeaseLostException when {@code lease} no longer holds the run (nothing was written, the ends
     *                            neither: the step must not run)
     */
    public void startStep(RunLease lease, List<StepRecord> endedSteps, StepRecord step) {
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
            // The run's row was fenced and is locked by this transaction: its steps need no fence of their own.
            endedSteps.forEach(ended -> endStep(handle, lease.runId(), ended));
            handle.createUpdate("""
                            insert into run_step (run_id, seq, step_id, uses, status, rendered, stdout, stderr, message,
                                                  started_at, phase)
                            values (:runId, :seq, :stepId, :uses, 'running', :rendered, '', '', '', :startedAt, :phase)""")
                    .bind("phase", step.phase())
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
        int updated = jdbi.withHandle(handle -> bindStepEnd(handle.createUpdate(END_STEP
                        + " and exists (select 1 from run where id = :runId and " + FENCE + ")"), lease.runId(), step)
                .bind("node", lease.node())
                .bind("generation", lease.generation())
                .bind("running", RunStatus.RUNNING.wireName())
                .execute());
        if (updated != 1) {
            throw new LeaseLostException(lease, "record the end of step '" + step.stepId() + "'");
        }
    }

    /** Records how {@code step} ended, on a handle whose transaction fenced the run already. */
    private static void endStep(Handle handle, String runId, StepRecord step) {
        bindStepEnd(handle.createUpdate(END_STEP), runId, step).execute();
    }

    private static Update bindStepEnd(Update update, String runId, StepRecord step) {
        return update.bind("outputs", step.outputs().isEmpty() ? null : toJson(step.outputs()))
                .bind("runId", runId)
                .bind("seq", step.seq())
                .bind("status", step.status())
                .bind("rendered", toJson(step.rendered()))
                .bind("exitCode", step.exitCode())
                .bind("stdout", step.stdout())
                .bind("stderr", step.stderr())
                .bind("message", step.message())
                .bind("finishedAt", timestamp(step.finishedAt()));
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
        return page(new RunQuery(status, runbook, owner, null, null, null, null, limit)).runs();
    }

    /**
     * One page of the runs {@code query} selects, newest first (ties by id), without their steps. Keyset
     * paging: the page after {@code query.before()} holds only older runs, so runs queued meanwhile neither
     * repeat nor shift a page. Reads one row more than the limit to know whether another page follows.
     */
    public RunPage page(RunQuery query) {
        StringBuilder sql = new StringBuilder("select * from run where 1 = 1");
        Map<String, Object> binds = new java.util.LinkedHashMap<>();
        if (query.status() != null) {
            sql.append(" and status = :status");
            binds.put("status", query.status().wireName());
        }
        if (query.runbook() != null) {
            sql.append(" and runbook = :runbook");
            binds.put("runbook", query.runbook());
        }
        if (query.owner() != null) {
            sql.append(" and owner = :owner");
            binds.put("owner", query.owner());
        }
        if (query.trigger() != null) {
            sql.append(" and trigger_type = :trigger");
            binds.put("trigger", query.trigger().wireName());
        }
        if (query.since() != null) {
            sql.append(" and created_at >= :since");
            binds.put("since", timestamp(query.since()));
        }
        if (query.until() != null) {
            sql.append(" and created_at < :until");
            binds.put("until", timestamp(query.until()));
        }
        if (query.before() != null) {
            sql.append(" and (created_at < :beforeAt or (created_at = :beforeAt and id < :beforeId))");
            binds.put("beforeAt", timestamp(query.before().createdAt()));
            binds.put("beforeId", query.before().id());
        }
        sql.append(" order by created_at desc, id desc limit :limit");
        List<RunRecord> rows = jdbi.withHandle(handle -> {
            Query statement = handle.createQuery(sql.toString()).bind("limit", query.limit() + 1);
            binds.forEach(statement::bind);
            return statement.map(RunRepository::mapRun).list();
        });
        if (rows.size() <= query.limit()) {
            return new RunPage(rows, Optional.empty());
        }
        List<RunRecord> shown = rows.subList(0, query.limit());
        return new RunPage(shown, Optional.of(RunCursor.after(shown.get(shown.size() - 1))));
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

    /** How many runs are in {@code status}, of the team {@code owner} only when it is not null (the console's badge). */
    public long countWithStatus(RunStatus status, String owner) {
        return jdbi.withHandle(handle -> {
            Query query = handle.createQuery("select count(*) from run where status = :status"
                    + (owner == null ? "" : " and owner = :owner")).bind("status", status.wireName());
            if (owner != null) {
                query.bind("owner", owner);
            }
            return query.mapTo(Long.class).one();
        });
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

    /**
     * When the last scheduled run of {@code runbook} that saved toil finished, if one did: a scheduled run saves
     * toil at most once per its runbook's {@code toil.replaces}.
     */
    public Optional<Instant> lastScheduledCredit(String runbook) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        select max(finished_at) from run
                        where runbook = :runbook and trigger_type = :schedule and toil_saved_minutes > 0""")
                .bind("runbook", runbook)
                .bind("schedule", TriggerType.SCHEDULE.wireName())
                .map((row, context) -> Optional.ofNullable(instant(row.getTimestamp(1))))
                .one());
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
                fromJson(row.getString("outputs")),
                row.getString("phase"));
    }

    private static Map<String, Object> fromJson(String json) {
        try {
            return json == null ? Map.of() : Json.json().readValue(json, OBJECT_MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is not valid: " + json, e);
        }
    }
}
