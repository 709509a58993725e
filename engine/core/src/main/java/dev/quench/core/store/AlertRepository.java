package dev.quench.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.util.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Alerts received. Recording is idempotent: the same alert delivered twice (same source,
 * fingerprint, status and start) is stored once. Thread-safe.
 */
public final class AlertRepository {

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };

    private final Jdbi jdbi;

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
     * in order. When this returns, they are durably stored.
     */
    public List<Long> record(List<Alert> alerts, Instant receivedAt) {
        if (alerts.isEmpty()) {
            return List.of();
        }
        return jdbi.inTransaction(handle -> {
            List<Long> created = new ArrayList<>();
            for (Alert alert : alerts) {
                String key = dedupeKey(alert);
                boolean seen = handle.createQuery("select count(*) from alert where dedupe_key = :key")
                        .bind("key", key).mapTo(Integer.class).one() > 0;
                if (seen) {
                    continue;
                }
                created.add(insert(handle, alert, key, receivedAt));
            }
            return created;
        });
    }

    /**
     * Records one delivery in one transaction: the sender's delivery id (when it sends one) and its
     * alerts. A delivery id seen before is a replay and records nothing. When this returns, the
     * delivery is durably stored.
     */
    public RecordedDelivery recordDelivery(String source, String deliveryId, List<Alert> alerts, Instant receivedAt) {
        if (deliveryId == null) {
            return new RecordedDelivery(record(alerts, receivedAt), false);
        }
        return jdbi.inTransaction(handle -> {
            boolean seen = handle.createQuery(
                            "select count(*) from webhook_delivery where source = :source and delivery_id = :id")
                    .bind("source", source).bind("id", deliveryId).mapTo(Integer.class).one() > 0;
            if (seen) {
                return new RecordedDelivery(List.of(), true);
            }
            handle.createUpdate("insert into webhook_delivery (source, delivery_id, received_at) values (:source, :id, :at)")
                    .bind("source", source).bind("id", deliveryId).bind("at", timestamp(receivedAt)).execute();
            List<Long> created = new ArrayList<>();
            for (Alert alert : alerts) {
                String key = dedupeKey(alert);
                boolean known = handle.createQuery("select count(*) from alert where dedupe_key = :key")
                        .bind("key", key).mapTo(Integer.class).one() > 0;
                if (!known) {
                    created.add(insert(handle, alert, key, receivedAt));
                }
            }
            return new RecordedDelivery(created, false);
        });
    }

    /**
     * Records many deliveries in ONE transaction (the webhooks' group commit) and returns each one's
     * outcome, in order. Re-deliveries are recognised across the batch as well as against the store.
     * When this returns, all of them are durably stored; when it throws, none is.
     *
     * @param unmatched says which alerts match no runbook and need no lifecycle work: they are stored as
     *                  already processed, so a storm of unhandled alerts costs the dispatcher nothing
     */
    public List<RecordedDelivery> recordDeliveries(List<DeliveryToRecord> deliveries,
                                                   java.util.function.Predicate<Alert> unmatched) {
        java.util.Objects.requireNonNull(unmatched, "unmatched");
        if (deliveries.isEmpty()) {
            return List.of();
        }
        return jdbi.inTransaction(handle -> DeliveryBatch.record(handle, deliveries, unmatched));
    }

    /** Records many deliveries in one transaction, every new alert left for the dispatcher to match. */
    public List<RecordedDelivery> recordDeliveries(List<DeliveryToRecord> deliveries) {
        return recordDeliveries(deliveries, alert -> false);
    }

    private static long insert(Handle handle, Alert alert, String key, Instant receivedAt) {
        return handle.createUpdate("""
                        insert into alert (source, fingerprint, status, alertname, labels, annotations,
                                           starts_at, ends_at, generator_url, dedupe_key, received_at)
                        values (:source, :fingerprint, :status, :alertname, :labels, :annotations,
                                :startsAt, :endsAt, :generatorUrl, :key, :receivedAt)""")
                .bind("source", alert.source())
                .bind("fingerprint", alert.fingerprint())
                .bind("status", alert.status().wireName())
                .bind("alertname", alert.name())
                .bind("labels", toJson(alert.labels()))
                .bind("annotations", toJson(alert.annotations()))
                .bind("startsAt", timestamp(alert.startsAt()))
                .bind("endsAt", timestamp(alert.endsAt()))
                .bind("generatorUrl", alert.generatorUrl())
                .bind("key", key)
                .bind("receivedAt", timestamp(receivedAt))
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
    }

    /** How many alerts are stored, in all. */
    public long count() {
        return jdbi.withHandle(handle -> handle.createQuery("select count(*) from alert").mapTo(Long.class).one());
    }

    /** Alerts recorded but not yet matched, oldest first (after a crash, these still need work). */
    public List<StoredAlert> unprocessed(int limit) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "select * from alert where processed = false order by id limit :limit")
                .bind("limit", limit)
                .map(AlertRepository::map)
                .list());
    }

    /** The alerts with these ids that exist, in id order. */
    public List<StoredAlert> findAll(List<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(handle -> handle.createQuery("select * from alert where id in (<ids>) order by id")
                .bindList("ids", ids).map(AlertRepository::map).list());
    }

    public Optional<StoredAlert> find(long id) {
        return jdbi.withHandle(handle -> handle.createQuery("select * from alert where id = :id")
                .bind("id", id).map(AlertRepository::map).findOne());
    }

    /** Marks an alert as matched against the runbooks. */
    public void markProcessed(Handle handle, long id, int matchedRunbooks) {
        handle.createUpdate("update alert set processed = true, matched_runbooks = :matched where id = :id")
                .bind("id", id).bind("matched", matchedRunbooks).execute();
    }

    /**
     * Marks many alerts as matched in a few statements: {@code matchedCounts} maps each alert id to
     * the number of runbooks it matched (one UPDATE per distinct count, not one per alert).
     */
    public void markProcessed(Handle handle, Map<Long, Integer> matchedCounts) {
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
     * Received alerts, newest first, optionally only matched ({@code true}) or unmatched
     * ({@code false}) ones.
     */
    public List<StoredAlert> list(Boolean matched, Instant since, int limit) {
        String where = "where received_at >= :since" + (matched == null ? ""
                : matched ? " and processed = true and matched_runbooks > 0"
                : " and processed = true and matched_runbooks = 0");
        return jdbi.withHandle(handle -> handle.createQuery(
                        "select * from alert " + where + " order by id desc limit :limit")
                .bind("since", timestamp(since))
                .bind("limit", limit)
                .map(AlertRepository::map)
                .list());
    }

    /** Received alerts matching {@code query}, newest first. */
    public List<StoredAlert> list(AlertQuery query) {
        StringBuilder where = new StringBuilder("where received_at >= :since");
        if (query.status() != null) {
            where.append(" and status = :status");
        }
        if (query.source() != null) {
            where.append(" and source = :source");
        }
        if (query.matched() != null) {
            where.append(query.matched() ? " and processed = true and matched_runbooks > 0"
                    : " and processed = true and matched_runbooks = 0");
        }
        return jdbi.withHandle(handle -> {
            var statement = handle.createQuery("select * from alert " + where + " order by id desc limit :limit")
                    .bind("since", timestamp(query.since()))
                    .bind("limit", query.limit());
            if (query.status() != null) {
                statement.bind("status", query.status().wireName());
            }
            if (query.source() != null) {
                statement.bind("source", query.source());
            }
            return statement.map(AlertRepository::map).list();
        });
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
                row.getString("generator_url"));
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
