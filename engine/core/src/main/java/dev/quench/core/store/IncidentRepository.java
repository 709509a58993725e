package dev.quench.core.store;

import static dev.quench.core.store.AlertRepository.instant;
import static dev.quench.core.store.AlertRepository.timestamp;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * Incidents' SQL: placing an alert in its group's incident (one incident per group, enforced by a locked
 * {@code incident_group} row, so two nodes taking alerts of one group at once make one incident), the runs
 * they started, resolving settled incidents, and reading them. The same statements run on H2 and PostgreSQL.
 * Thread-safe.
 */
public final class IncidentRepository {

    private static final String FIRING = "firing";

    private final Jdbi jdbi;

    IncidentRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Puts the firing alert {@code alertId} into the incident of {@code groupKey}, inside {@code transaction}:
     * the group's incident when it is open or resolved less than {@code window} before {@code receivedAt}
     * (then it is open again), otherwise a new one titled {@code title} and owned by {@code owner}.
     *
     * @return the incident's id
     */
    public String place(StoreTransaction transaction, String groupKey, String title, String owner, long alertId,
                        Instant receivedAt, Duration window) {
        Objects.requireNonNull(groupKey, "groupKey");
        Handle handle = transaction.handle();
        PlacedIncident placed = transaction.placedIncidents().get(groupKey);
        if (placed != null) {
            // This transaction placed an alert of the group already and holds its row: the incident is open.
            if (receivedAt.isAfter(placed.lastAlertAt())) {
                handle.createUpdate("update incident set last_alert_at = :at where id = :id and last_alert_at < :at")
                        .bind("id", placed.id()).bind("at", timestamp(receivedAt)).execute();
                transaction.placedIncidents().put(groupKey, new PlacedIncident(placed.id(), receivedAt));
            }
            insertIncidentAlert(handle, alertId, placed.id());
            return placed.id();
        }
        // PostgreSQL: two nodes inserting one group at once must not abort the loser's transaction; it waits for
        // the winner's commit and then locks the row the winner made. H2 serves one node (one dispatcher thread).
        handle.createUpdate(postgres(handle)
                        ? "insert into incident_group (group_key, incident_id) values (:key, null) on conflict do nothing"
                        : "insert into incident_group (group_key, incident_id) select :key, null "
                                + "where not exists (select 1 from incident_group where group_key = :key)")
                .bind("key", groupKey)
                .execute();
        String current = handle.createQuery(
                        "select coalesce(incident_id, '') from incident_group where group_key = :key for update")
                .bind("key", groupKey)
                .mapTo(String.class)
                .one();
        String incident = current.isEmpty() ? null : joinable(handle, current, receivedAt, window);
        if (incident == null) {
            incident = UUID.randomUUID().toString();
            handle.createUpdate("""
                            insert into incident (id, group_key, title, owner, opened_at, last_alert_at, resolved_at)
                            values (:id, :key, :title, :owner, :at, :at, null)""")
                    .bind("id", incident)
                    .bind("key", groupKey)
                    .bind("title", cap(title, 512))
                    .bind("owner", owner == null ? "" : owner)
                    .bind("at", timestamp(receivedAt))
                    .execute();
            handle.createUpdate("update incident_group set incident_id = :id where group_key = :key")
                    .bind("id", incident).bind("key", groupKey).execute();
        } else {
            handle.createUpdate("""
                            update incident set resolved_at = null,
                                   last_alert_at = case when last_alert_at < :at then :at else last_alert_at end
                            where id = :id""")
                    .bind("id", incident).bind("at", timestamp(receivedAt)).execute();
        }
        insertIncidentAlert(handle, alertId, incident);
        transaction.placedIncidents().put(groupKey, new PlacedIncident(incident, receivedAt));
        return incident;
    }

    private static void insertIncidentAlert(Handle handle, long alertId, String incident) {
        handle.createUpdate("insert into incident_alert (alert_id, incident_id) values (:alert, :incident)")
                .bind("alert", alertId).bind("incident", incident).execute();
    }

    /** {@code incident} when an alert received at {@code at} joins it: open, or resolved within {@code window}. */
    private static String joinable(Handle handle, String incident, Instant at, Duration window) {
        Optional<Instant> resolvedAt = handle.createQuery("select resolved_at from incident where id = :id")
                .bind("id", incident)
                .map((row, context) -> Optional.ofNullable(instant(row.getTimestamp(1))))
                .findOne()
                .orElse(Optional.of(Instant.EPOCH));
        return resolvedAt.isEmpty() || !resolvedAt.get().isBefore(at.minus(window)) ? incident : null;
    }

    /** Records that {@code runId} was started by an alert of {@code incidentId}, inside {@code transaction}. */
    public void attachRun(StoreTransaction transaction, String incidentId, String runId) {
        transaction.handle().createUpdate("update run set incident_id = :incident where id = :id")
                .bind("incident", incidentId).bind("id", runId).execute();
    }

    /**
     * Adds the resolved alert {@code alertId} to the open incident holding an earlier alert of the same
     * {@code source} and {@code fingerprint}, inside {@code transaction}; returns that incident, if there is one.
     */
    public Optional<String> noteResolved(StoreTransaction transaction, long alertId, String source, String fingerprint) {
        Handle handle = transaction.handle();
        Optional<String> incident = handle.createQuery("""
                        select ia.incident_id from incident_alert ia
                        join alert a on a.id = ia.alert_id
                        join incident i on i.id = ia.incident_id
                        where i.resolved_at is null and a.source = :source and a.fingerprint = :fingerprint
                        order by a.id desc fetch first 1 rows only""")
                .bind("source", source)
                .bind("fingerprint", fingerprint)
                .mapTo(String.class)
                .findFirst();
        incident.ifPresent(id -> handle.createUpdate(
                        "insert into incident_alert (alert_id, incident_id) values (:alert, :incident)")
                .bind("alert", alertId).bind("incident", id).execute());
        return incident;
    }

    /**
     * Resolves every open incident whose alerts have all resolved (each alert's latest row is resolved) and
     * whose runs have all ended, at the later of its last resolution and its last run's end; returns their
     * ids. One statement finds the settled ones (called on every heartbeat, it reads no incident that is
     * still firing or running); each of those is then decided again in a transaction of its own that holds
     * its group's row, so an alert joining it at the same moment either comes first (and keeps it open) or
     * opens it again.
     */
    public List<String> resolveSettled() {
        List<String> candidates = jdbi.withHandle(handle -> handle.createQuery(SETTLED)
                .bind("firing", FIRING)
                .mapTo(String.class)
                .list());
        List<String> resolved = new ArrayList<>();
        for (String id : candidates) {
            if (jdbi.inTransaction(handle -> resolveIfSettled(handle, id))) {
                resolved.add(id);
            }
        }
        return resolved;
    }

    /**
     * Open incidents with alerts, no unfinished run, and no firing alert row that is its alert's latest (a later
     * row of the same source and fingerprint in the incident would be its resolution).
     */
    private static final String SETTLED = """
            select i.id from incident i where i.resolved_at is null
              and not exists (select 1 from run r where r.incident_id = i.id and r.finished_at is null)
              and exists (select 1 from incident_alert ia where ia.incident_id = i.id)
              and not exists (
                  select 1 from incident_alert ia join alert a on a.id = ia.alert_id
                  where ia.incident_id = i.id and a.status = :firing
                    and not exists (
                        select 1 from incident_alert ib join alert b on b.id = ib.alert_id
                        where ib.incident_id = i.id and b.id > a.id
                          and b.source = a.source and b.fingerprint = a.fingerprint))
            order by i.opened_at""";

    private static boolean resolveIfSettled(Handle handle, String id) {
        handle.createQuery("select group_key from incident_group where incident_id = :id for update")
                .bind("id", id).mapTo(String.class).list();
        if (handle.createQuery("select count(*) from run where incident_id = :id and finished_at is null")
                .bind("id", id).mapTo(Long.class).one() > 0) {
            return false;
        }
        Map<String, String> latestStatus = new LinkedHashMap<>();
        Instant[] lastResolved = {null};
        handle.createQuery("""
                        select a.source, a.fingerprint, a.status, a.received_at from incident_alert ia
                        join alert a on a.id = ia.alert_id where ia.incident_id = :id order by a.id""")
                .bind("id", id)
                .map((row, context) -> {
                    String status = row.getString("status");
                    latestStatus.put(row.getString("source") + "\n" + row.getString("fingerprint"), status);
                    Instant received = instant(row.getTimestamp("received_at"));
                    if (!FIRING.equals(status) && (lastResolved[0] == null || received.isAfter(lastResolved[0]))) {
                        lastResolved[0] = received;
                    }
                    return status;
                })
                .list();
        if (latestStatus.isEmpty() || latestStatus.containsValue(FIRING)) {
            return false;
        }
        Instant lastRunEnd = handle.createQuery("select max(finished_at) from run where incident_id = :id")
                .bind("id", id).map((row, context) -> instant(row.getTimestamp(1))).one();
        Instant at = lastRunEnd != null && lastRunEnd.isAfter(lastResolved[0]) ? lastRunEnd : lastResolved[0];
        return handle.createUpdate("update incident set resolved_at = :at where id = :id and resolved_at is null")
                .bind("at", timestamp(at)).bind("id", id).execute() == 1;
    }

    /** Incidents newest first, as {@code query} filters and pages them. */
    public List<IncidentRecord> list(IncidentQuery query) {
        StringBuilder sql = new StringBuilder(SELECT).append(" where 1 = 1");
        if (query.open() != null) {
            sql.append(query.open() ? " and i.resolved_at is null" : " and i.resolved_at is not null");
        }
        if (query.owner() != null) {
            sql.append(" and i.owner = :owner");
        }
        if (query.runbook() != null) {
            sql.append(" and exists (select 1 from run r where r.incident_id = i.id and r.runbook = :runbook)");
        }
        if (query.since() != null) {
            sql.append(" and i.opened_at >= :since");
        }
        sql.append(" order by i.opened_at desc, i.id desc limit :limit offset :offset");
        return jdbi.withHandle(handle -> {
            Query statement = handle.createQuery(sql.toString())
                    .bind("limit", query.limit())
                    .bind("offset", query.offset());
            if (query.owner() != null) {
                statement.bind("owner", query.owner());
            }
            if (query.runbook() != null) {
                statement.bind("runbook", query.runbook());
            }
            if (query.since() != null) {
                statement.bind("since", timestamp(query.since()));
            }
            return withRunbooks(handle, statement.map(IncidentRepository::map).list());
        });
    }

    /** The incident {@code id}, if it is stored. */
    public Optional<IncidentRecord> find(String id) {
        return jdbi.withHandle(handle -> withRunbooks(handle, handle.createQuery(SELECT + " where i.id = :id")
                .bind("id", id).map(IncidentRepository::map).list()).stream().findFirst());
    }

    /** The ids of the incident's alert rows, oldest first. */
    public List<Long> alertIds(String incidentId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "select alert_id from incident_alert where incident_id = :id order by alert_id")
                .bind("id", incidentId).mapTo(Long.class).list());
    }

    /** The ids of the incident's runs, oldest first. */
    public List<String> runIds(String incidentId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "select id from run where incident_id = :id order by created_at, id")
                .bind("id", incidentId).mapTo(String.class).list());
    }

    private static final String SELECT = """
            select i.*,
                   (select min(r.started_at) from run r where r.incident_id = i.id) as first_run_start,
                   (select min(d.decided_at) from run_decision d join run r on r.id = d.run_id
                    where r.incident_id = i.id and d.action = 'approve') as first_approval,
                   (select count(*) from incident_alert ia where ia.incident_id = i.id) as alert_count,
                   (select count(*) from run r where r.incident_id = i.id) as run_count
            from incident i""";

    private static IncidentRecord map(ResultSet row, org.jdbi.v3.core.statement.StatementContext context)
            throws SQLException {
        Instant firstRun = instant(row.getTimestamp("first_run_start"));
        Instant firstApproval = instant(row.getTimestamp("first_approval"));
        Instant firstResponse = firstRun == null ? firstApproval
                : firstApproval == null || firstRun.isBefore(firstApproval) ? firstRun : firstApproval;
        return new IncidentRecord(row.getString("id"), row.getString("group_key"), row.getString("title"),
                row.getString("owner"), instant(row.getTimestamp("opened_at")),
                instant(row.getTimestamp("last_alert_at")), instant(row.getTimestamp("resolved_at")), firstResponse,
                row.getInt("alert_count"), row.getInt("run_count"), List.of());
    }

    private static List<IncidentRecord> withRunbooks(Handle handle, List<IncidentRecord> incidents) {
        if (incidents.isEmpty()) {
            return incidents;
        }
        Map<String, TreeSet<String>> runbooks = new LinkedHashMap<>();
        handle.createQuery("select distinct incident_id, runbook from run where incident_id in (<ids>)")
                .bindList("ids", incidents.stream().map(IncidentRecord::id).toList())
                .map((row, context) -> runbooks.computeIfAbsent(row.getString("incident_id"),
                        ignored -> new TreeSet<>()).add(row.getString("runbook")))
                .list();
        return incidents.stream().map(incident -> new IncidentRecord(incident.id(), incident.groupKey(),
                incident.title(), incident.owner(), incident.openedAt(), incident.lastAlertAt(), incident.resolvedAt(),
                incident.firstResponseAt(), incident.alerts(), incident.runs(),
                List.copyOf(runbooks.getOrDefault(incident.id(), new TreeSet<>())))).toList();
    }

    private static boolean postgres(Handle handle) {
        try {
            return handle.getConnection().getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT)
                    .contains("postgres");
        } catch (SQLException e) {
            throw new StoreException("cannot read the store's database type: " + e.getMessage(), e);
        }
    }

    private static String cap(String text, int length) {
        String value = text == null ? "" : text;
        return value.length() <= length ? value : value.substring(0, length - 1) + "…";
    }
}
