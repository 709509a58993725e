package dev.quench.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.util.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Alerts received. Recording is idempotent: the same alert delivered twice (same source,
 * fingerprint, status and start) is stored once — for an alert stored in bulk ({@link AlertChunks}),
 * when the second delivery comes within the re-delivery window. Thread-safe.
 */
public final class AlertRepository {

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };

    /** Default re-delivery window for alerts stored in bulk: Alertmanager resends every 4 h by default. */
    public static final Duration DEFAULT_REDELIVERY_WINDOW = Duration.ofHours(24);
    /** Default bound on the keys kept for it: 32 to 64 bytes each. */
    public static final int DEFAULT_REDELIVERY_KEYS = 2_000_000;

    private final Jdbi jdbi;
    private Duration window = DEFAULT_REDELIVERY_WINDOW;
    private int maxKeys = DEFAULT_REDELIVERY_KEYS;
    private RecentAlertKeys recentKeys;

    AlertRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The key under which re-deliveries of one alert are recognised. */
    public static String dedupeKey(Alert alert) {
        return alert.source() + "|" + alert.fingerprint() + "|" + alert.status().wireName() + "|"
                + (alert.startsAt() == null ? "" : alert.startsAt().toString());
    }

    /**
     * Records {@code alerts} in one transaction and returns the ids of the ones not seen before,
     * in order; every new alert waits for the dispatcher to match it. When this returns, they are
     * durably stored.
     */
    public List<Long> record(List<Alert> alerts, Instant receivedAt) {
        return recordDelivery(alerts.isEmpty() ? "none" : alerts.get(0).source(), null, alerts, receivedAt).created();
    }

    /**
     * Records one delivery in one transaction: the sender's delivery id (when it sends one) and its
     * alerts, every new one waiting for the dispatcher. A delivery id seen before is a replay and
     * records nothing. When this returns, the delivery is durably stored.
     */
    public RecordedDelivery recordDelivery(String source, String deliveryId, List<Alert> alerts, Instant receivedAt) {
        return recordDeliveries(List.of(new DeliveryToRecord(source, deliveryId, alerts, receivedAt))).get(0);
    }

    /**
     * Records many deliveries in ONE transaction (the webhooks' group commit) and returns each one's
     * outcome, in order. Re-deliveries are recognised across the batch as well as against the store.
     * When this returns, all of them are durably stored; when it throws, none is.
     *
     * @param unmatched says which alerts match no runbook and need no lifecycle work: they are stored in
     *                  bulk as already processed ({@link AlertChunks}), so a storm of unhandled alerts
     *                  costs neither an alert row each nor dispatcher work
     */
    public List<RecordedDelivery> recordDeliveries(List<DeliveryToRecord> deliveries, Predicate<Alert> unmatched) {
        return recordPrepared(deliveries.stream().map(PreparedDelivery::of).toList(), unmatched);
    }

    /** Records many deliveries in one transaction, every new alert left for the dispatcher to match. */
    public List<RecordedDelivery> recordDeliveries(List<DeliveryToRecord> deliveries) {
        return recordDeliveries(deliveries, alert -> false);
    }

    /** {@link #recordDeliveries(List, Predicate)} for deliveries prepared on the threads that parsed them. */
    public List<RecordedDelivery> recordPrepared(List<PreparedDelivery> deliveries, Predicate<Alert> unmatched) {
        Objects.requireNonNull(unmatched, "unmatched");
        if (deliveries.isEmpty()) {
            return List.of();
        }
        DeliveryBatch batch = new DeliveryBatch(deliveries, unmatched, recentKeys());
        List<RecordedDelivery> recorded = jdbi.inTransaction(handle -> batch.record(handle, true));
        batch.remember(Instant.now());
        return recorded;
    }

    /**
     * Sets how long, and for how many alerts at most, a re-delivery of an alert stored in bulk is
     * recognised ({@code ingest.redeliveryWindow}, {@code ingest.redeliveryKeys}); before the first
     * delivery is recorded.
     */
    public synchronized void redeliveryWindow(Duration window, int maxKeys) {
        new RecentAlertKeys(window, maxKeys); // fails here, not at the first alert, when out of range
        if (recentKeys != null && (!recentKeys.window().equals(window) || this.maxKeys != maxKeys)) {
            throw new IllegalStateException("the re-delivery window is set before the first alert is recorded");
        }
        this.window = window;
        this.maxKeys = maxKeys;
    }

    /**
     * The keys of the alerts stored within the re-delivery window: read from the store at first use
     * (one pass over the window's bulk rows and alert rows), kept up to date in memory after that.
     */
    synchronized RecentAlertKeys recentKeys() {
        if (recentKeys == null) {
            RecentAlertKeys keys = new RecentAlertKeys(window, maxKeys);
            // In a transaction: PostgreSQL streams by the fetch size only with autocommit off.
            jdbi.useTransaction(handle -> {
                // Read first: alerts stored while the window loads are caught up with at the next batch.
                keys.caughtUpTo(handle.createQuery("select next_id from alert_id").mapTo(Long.class).one());
                AlertChunks.loadKeys(handle, keys, Instant.now());
            });
            recentKeys = keys;
        }
        return recentKeys;
    }

    /** How many re-delivery keys are in memory, or -1 before the first delivery. */
    public synchronized long rememberedKeys() {
        return recentKeys == null ? -1 : recentKeys.size();
    }

    /** How many alerts are stored, in all. */
    public long count() {
        return jdbi.withHandle(handle -> handle.createQuery("select count(*) from alert").mapTo(Long.class).one()
                + AlertChunks.count(handle));
    }

    /** Alerts recorded but not yet matched, oldest first (after a crash, these still need work). */
    public List<StoredAlert> unprocessed(int limit) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "select * from alert where processed = false order by id limit :limit")
                .bind("limit", limit)
                .map(AlertRepository::map)
                .list());
    }

    /** The alerts with these ids that exist, in id order: in their own rows or in bulk. */
    public List<StoredAlert> findAll(List<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(handle -> {
            List<StoredAlert> found = new ArrayList<>(handle.createQuery(
                            "select * from alert where id in (<ids>) order by id")
                    .bindList("ids", ids).map(AlertRepository::map).list());
            if (found.size() < new HashSet<>(ids).size()) {
                Set<Long> rows = new HashSet<>();
                found.forEach(alert -> rows.add(alert.id()));
                for (long id : new java.util.TreeSet<>(ids)) {
                    if (!rows.contains(id)) {
                        AlertChunks.find(handle, id).ifPresent(found::add);
                    }
                }
                found.sort(java.util.Comparator.comparingLong(StoredAlert::id));
            }
            return found;
        });
    }

    /** The alert with this id, stored in its own row or in bulk. */
    public Optional<StoredAlert> find(long id) {
        return jdbi.withHandle(handle -> handle.createQuery("select * from alert where id = :id")
                .bind("id", id).map(AlertRepository::map).findOne()
                .or(() -> AlertChunks.find(handle, id)));
    }

    /** The stored alerts of {@code ids} that exist (in the alert table or a storm's chunks), by id, read on {@code handle}. */
    static Map<Long, StoredAlert> findAll(Handle handle, List<Long> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<Long, StoredAlert> found = new java.util.HashMap<>();
        handle.createQuery("select * from alert where id in (<ids>)").bindList("ids", ids)
                .map(AlertRepository::map).forEach(alert -> found.put(alert.id(), alert));
        for (Long id : ids) {
            if (!found.containsKey(id)) {
                AlertChunks.find(handle, id).ifPresent(alert -> found.put(id, alert));
            }
        }
        return found;
    }

    /**
     * Locks the alerts of {@code ids} that are still unprocessed, inside {@code transaction}, and returns
     * their ids: alerts another node is processing right now (locked) or has processed are left out, so
     * nodes that look at the same alerts (after a crash, or a retry) never process one twice.
     */
    public java.util.Set<Long> lockUnprocessed(StoreTransaction transaction, List<Long> ids) {
        java.util.Set<Long> locked = new java.util.HashSet<>();
        for (int from = 0; from < ids.size(); from += 500) {
            locked.addAll(transaction.handle().createQuery(
                            "select id from alert where id in (<ids>) and processed = false for update skip locked")
                    .bindList("ids", ids.subList(from, Math.min(ids.size(), from + 500)))
                    .mapTo(Long.class)
                    .list());
        }
        return locked;
    }

    /**
     * Marks many alerts as matched in a few statements: {@code matchedCounts} maps each alert id to
     * the number of runbooks it matched (one UPDATE per distinct count, not one per alert).
     */
    public void markProcessed(StoreTransaction transaction, Map<Long, Integer> matchedCounts) {
        Handle handle = transaction.handle();
        Map<Integer, List<Long>> byCount = new java.util.TreeMap<>();
        matchedCounts.forEach((id, matched) -> byCount.computeIfAbsent(matched, ignored -> new ArrayList<>()).add(id));
        byCount.forEach((matched, ids) -> {
            for (int from = 0; from < ids.size(); from += 500) {
                handle.createUpdate("update alert set processed = true, matched_runbooks = :matched where id in (<ids>)")
                        .bind("matched", matched)
                        .bindList("ids", ids.subList(from, Math.min(ids.size(), from + 500)))
                        .execute();
            }
        });
    }

    /**
     * Firing alerts received at or after {@code since} that matched no runbook, counted by alert name:
     * the toil ledger's manual alerts. Reads the bulk rows' name counts, not their alerts.
     */
    public Map<String, Integer> unmatchedFiringByName(Instant since) {
        return unmatchedFiringByName(since, null);
    }

    /** {@link #unmatchedFiringByName(Instant)} for alerts received in [{@code since}, {@code until}); no end when null. */
    public Map<String, Integer> unmatchedFiringByName(Instant since, Instant until) {
        return jdbi.withHandle(handle -> {
            Map<String, Integer> byName = new java.util.TreeMap<>();
            countRowsByName(handle, since, until, byName);
            AlertChunks.countByName(handle, since, until, byName);
            return byName;
        });
    }

    /**
     * {@link #unmatchedFiringByName(Instant, Instant)} for each period [{@code bounds[i]}, {@code bounds[i + 1]}), in
     * one read of the bulk rows: what retention rolls up, week by week, before it prunes alerts.
     *
     * @param bounds at least two instants, ascending
     */
    public List<Map<String, Integer>> unmatchedFiringByPeriod(List<Instant> bounds) {
        if (bounds.size() < 2) {
            throw new IllegalArgumentException("periods need at least two bounds, got " + bounds);
        }
        return jdbi.withHandle(handle -> {
            List<Map<String, Integer>> byPeriod = new ArrayList<>();
            for (int index = 0; index + 1 < bounds.size(); index++) {
                Map<String, Integer> byName = new java.util.TreeMap<>();
                countRowsByName(handle, bounds.get(index), bounds.get(index + 1), byName);
                byPeriod.add(byName);
            }
            AlertChunks.countByPeriod(handle, bounds, byPeriod);
            return byPeriod;
        });
    }

    /**
     * Adds the unmatched firing alert rows received in [{@code since}, {@code until}) to {@code byName}. The
     * conditions other than the time are counted, not filtered on: as filters, H2 walked the
     * {@code alert (processed, id)} index (an equality looks cheaper to it than a range) and read every processed
     * row for each week retention rolled up.
     */
    private static void countRowsByName(Handle handle, Instant since, Instant until, Map<String, Integer> byName) {
        var query = handle.createQuery("""
                        select alertname, sum(case when processed = true and matched_runbooks = 0 and status = :firing
                                                   then 1 else 0 end) as alerts
                        from alert where received_at >= :since""" + (until == null ? "" : " and received_at < :until")
                        + " group by alertname")
                .bind("since", timestamp(since))
                .bind("firing", AlertStatus.FIRING.wireName());
        if (until != null) {
            query.bind("until", timestamp(until));
        }
        query.map((row, context) -> {
                    int alerts = row.getInt("alerts");
                    if (alerts > 0) {
                        byName.merge(row.getString("alertname"), alerts, Integer::sum);
                    }
                    return 0;
                })
                .list();
    }

    /** Received alerts matching {@code query}, newest first. */
    public List<StoredAlert> list(AlertQuery query) {
        return jdbi.withHandle(handle -> list(handle, query));
    }

    /**
     * One page of received alerts matching {@code query}, newest first, each with the runs it started; its
     * {@link AlertPage#next()} is the {@code before} cursor of the following page.
     */
    public AlertPage page(AlertQuery query) {
        return jdbi.withHandle(handle -> {
            List<StoredAlert> found = list(handle, query.withLimit(query.limit() + 1));
            List<StoredAlert> shown = found.size() > query.limit() ? found.subList(0, query.limit()) : found;
            Map<Long, List<AlertRun>> runs = AlertRuns.of(handle, shown.stream().map(StoredAlert::id).toList(),
                    query.team());
            List<ListedAlert> listed = shown.stream()
                    .map(alert -> new ListedAlert(alert, runs.getOrDefault(alert.id(), List.of())))
                    .toList();
            return new AlertPage(listed, found.size() > query.limit()
                    ? Optional.of(shown.get(shown.size() - 1).id()) : Optional.empty());
        });
    }

    private static List<StoredAlert> list(Handle handle, AlertQuery query) {
        StringBuilder where = new StringBuilder("where received_at >= :since");
        if (query.until() != null) {
            where.append(" and received_at < :until");
        }
        if (query.before() != null) {
            where.append(" and id < :before");
        }
        if (query.status() != null) {
            where.append(" and status = :status");
        }
        if (query.source() != null) {
            where.append(" and source = :source");
        }
        if (query.alertname() != null) {
            where.append(" and alertname = :alertname");
        }
        if (query.matched() != null) {
            where.append(query.matched() ? " and processed = true and matched_runbooks > 0"
                    : " and processed = true and matched_runbooks = 0");
        }
        if (query.team() != null) {
            where.append(" and exists (select 1 from run where run.alert_id = alert.id and run.owner = :team)");
        }
        var statement = handle.createQuery("select * from alert " + where + " order by id desc limit :limit")
                .bind("since", timestamp(query.since()))
                .bind("limit", query.limit());
        if (query.until() != null) {
            statement.bind("until", timestamp(query.until()));
        }
        if (query.before() != null) {
            statement.bind("before", query.before());
        }
        if (query.status() != null) {
            statement.bind("status", query.status().wireName());
        }
        if (query.source() != null) {
            statement.bind("source", query.source());
        }
        if (query.alertname() != null) {
            statement.bind("alertname", query.alertname());
        }
        if (query.team() != null) {
            statement.bind("team", query.team());
        }
        return AlertChunks.merged(statement.map(AlertRepository::map).list(), AlertChunks.newest(handle, query),
                query.limit());
    }

    private static StoredAlert map(ResultSet row, StatementContext context) throws SQLException {
        Alert alert = new Alert(
                row.getString("source"),
                row.getString("fingerprint"),
                AlertStatus.parse(row.getString("status")).orElse(AlertStatus.FIRING),
                fromJson(row.getString("labels")),
                fromJson(row.getString("annotations")),
                instant(row.getTimestamp("starts_at")),
                instant(row.getTimestamp("ends_at")),
                row.getString("generator_url"),
                row.getString("group_key"));
        return new StoredAlert(row.getLong("id"), alert, instant(row.getTimestamp("received_at")),
                row.getBoolean("processed"), row.getInt("matched_runbooks"));
    }

    static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    static String toJson(Object value) {
        try {
            return Json.json().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static Map<String, String> fromJson(String json) {
        try {
            return Json.json().readValue(json, STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored labels are not valid JSON: " + json, e);
        }
    }
}
