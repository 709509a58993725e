package dev.quench.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.util.Json;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;

/**
 * Alerts stored in bulk: firing alerts that matched no runbook when they arrived — the bulk of any
 * storm — many to a row of {@code alert_chunk} (schema V10), one row per group commit instead of one
 * indexed row per alert. Such an alert needs no more work: it is processed and matched nothing; it is
 * only listed ({@code GET /api/v1/alerts}), counted by the toil ledger and remembered for the
 * re-delivery check ({@link RecentAlertKeys}). Its id is {@code first_id + its place in the row}, from
 * the id space the alert table uses too. Stateless.
 */
final class AlertChunks {

    private static final TypeReference<Map<String, Integer>> NAME_COUNTS = new TypeReference<>() {
    };

    /**
     * A name JSON writes as it is, with no LIKE escape character ({@code \\}): safe to look for in the
     * {@code names} column with LIKE ({@code _} and {@code %} only let more rows through).
     */
    private static final java.util.regex.Pattern PLAIN_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_:.%-]+");

    private AlertChunks() {
    }

    /** Collects one row's alerts from many deliveries, in order; then {@link #insert}s it. Not thread-safe. */
    static final class Builder {

        private final List<byte[]> records = new ArrayList<>();
        private final Set<String> sources = new LinkedHashSet<>();
        private final Map<String, Integer> names = new TreeMap<>();
        private long[] hashes = new long[64];
        private int size;
        private Instant firstReceived;
        private Instant lastReceived;

        /** Adds the alerts of {@code delivery} whose {@code inChunk} flag is set. */
        void add(PreparedDelivery delivery, boolean[] inChunk) {
            List<Alert> alerts = delivery.delivery().alerts();
            List<Alert> chosen = new ArrayList<>();
            int[] skipped = new int[alerts.size()];
            int skips = 0;
            for (int index = 0; index < alerts.size(); index++) {
                if (!inChunk[index]) {
                    skipped[skips++] = index;
                    continue;
                }
                Alert alert = alerts.get(index);
                chosen.add(alert);
                names.merge(alert.name(), 1, Integer::sum);
                if (2 * size + 2 > hashes.length) {
                    hashes = java.util.Arrays.copyOf(hashes, hashes.length * 2);
                }
                hashes[2 * size] = delivery.hashes()[2 * index];
                hashes[2 * size + 1] = delivery.hashes()[2 * index + 1];
                size++;
            }
            if (chosen.isEmpty()) {
                return;
            }
            DeliveryToRecord source = delivery.delivery();
            sources.add(source.source());
            Instant received = source.receivedAt();
            firstReceived = firstReceived == null || received.isBefore(firstReceived) ? received : firstReceived;
            lastReceived = lastReceived == null || received.isAfter(lastReceived) ? received : lastReceived;
            if (skips * 2 <= alerts.size()) {
                // Mostly new: keep the encoding made on the event loop, naming the few left out.
                records.add(JournalCodec.record(source, java.util.Arrays.copyOf(skipped, skips),
                        delivery.encodedAlerts()));
            } else {
                // Mostly re-deliveries (Alertmanager resends whole groups): encode just the new ones.
                records.add(JournalCodec.record(new DeliveryToRecord(source.source(), source.deliveryId(), chosen,
                        received), new int[0], JournalCodec.encodeAlerts(chosen)));
            }
        }

        int size() {
            return size;
        }

        /** The key hashes of the alerts added, two longs each. */
        long[] hashes() {
            return hashes;
        }

        /** Inserts the row, its alerts taking ids {@code firstId} on. Nothing is inserted when it is empty. */
        void insert(Handle handle, long firstId) {
            if (size == 0) {
                return;
            }
            ByteBuffer keys = ByteBuffer.allocate(16 * size);
            for (int index = 0; index < 2 * size; index++) {
                keys.putLong(hashes[index]);
            }
            try (PreparedStatement insert = handle.getConnection().prepareStatement("""
                    insert into alert_chunk (first_id, alert_count, first_received, last_received, sources, names,
                                             key_hashes, alerts)
                    values (?, ?, ?, ?, ?, ?, ?, ?)""")) {
                insert.setLong(1, firstId);
                insert.setInt(2, size);
                insert.setTimestamp(3, AlertRepository.timestamp(firstReceived));
                insert.setTimestamp(4, AlertRepository.timestamp(lastReceived));
                insert.setString(5, "|" + String.join("|", sources) + "|");
                insert.setString(6, AlertRepository.toJson(names));
                insert.setBytes(7, keys.array());
                insert.setBytes(8, JournalCodec.records(records));
                insert.executeUpdate();
            } catch (SQLException e) {
                throw new StoreException("cannot store " + size + " unmatched alert(s): " + e.getMessage(), e);
            }
        }
    }

    /** The alerts of one row, in id order. */
    static List<StoredAlert> decode(long firstId, byte[] alerts) {
        List<StoredAlert> decoded = new ArrayList<>();
        long id = firstId;
        for (DeliveryToRecord delivery : JournalCodec.decodeRecords(alerts)) {
            for (Alert alert : delivery.alerts()) {
                decoded.add(new StoredAlert(id++, alert, delivery.receivedAt(), true, 0));
            }
        }
        return decoded;
    }

    static long count(Handle handle) {
        return handle.createQuery("select coalesce(sum(alert_count), 0) from alert_chunk").mapTo(Long.class).one();
    }

    static Optional<StoredAlert> find(Handle handle, long id) {
        return handle.createQuery("""
                        select first_id, alert_count, alerts from alert_chunk where first_id <= :id
                        order by first_id desc limit 1""")
                .bind("id", id)
                .map((row, context) -> row.getLong("first_id") + row.getInt("alert_count") > id
                        ? decode(row.getLong("first_id"), row.getBytes("alerts")).get((int) (id - row.getLong("first_id")))
                        : null)
                .findOne();
    }

    /**
     * Up to {@code query.limit()} alerts stored in bulk that pass {@code query}, newest first. Reads rows
     * newest first and stops when it has enough.
     */
    static List<StoredAlert> newest(Handle handle, AlertQuery query) {
        if (!query.admitsBulkAlerts()) {
            return List.of(); // bulk alerts are firing, matched nothing and started no run
        }
        boolean plainName = query.alertname() != null && PLAIN_NAME.matcher(query.alertname()).matches();
        String sql = "select first_id, alerts from alert_chunk where last_received >= :since"
                + (query.until() == null ? "" : " and first_received < :until")
                + (query.before() == null ? "" : " and first_id < :before")
                + (query.source() == null ? "" : " and sources like :source")
                + (plainName ? " and names like :name" : "") + " order by first_id desc";
        var statement = handle.createQuery(sql).bind("since", AlertRepository.timestamp(query.since()));
        if (query.until() != null) {
            statement.bind("until", AlertRepository.timestamp(query.until()));
        }
        if (query.before() != null) {
            statement.bind("before", query.before());
        }
        if (query.source() != null) {
            // A wildcard in the name only lets more rows through: each alert's source is compared exactly below.
            statement.bind("source", "%|" + query.source() + "|%");
        }
        if (plainName) {
            // Skips rows whose name counts lack the name; each alert's name is compared exactly below.
            statement.bind("name", "%\"" + query.alertname() + "\":%");
        }
        List<StoredAlert> found = new ArrayList<>();
        try (var rows = statement.setFetchSize(16)
                .map((row, context) -> decode(row.getLong("first_id"), row.getBytes("alerts"))).iterator()) {
            while (found.size() < query.limit() && rows.hasNext()) {
                List<StoredAlert> chunk = rows.next();
                for (int index = chunk.size() - 1; index >= 0 && found.size() < query.limit(); index--) {
                    StoredAlert alert = chunk.get(index);
                    if (query.admitsBulk(alert)) {
                        found.add(alert);
                    }
                }
            }
        }
        return found;
    }

    /**
     * Adds the bulk alerts received in [{@code since}, {@code until}) to {@code byName}, by alert name; no end
     * when {@code until} is null.
     */
    static void countByName(Handle handle, Instant since, Instant until, Map<String, Integer> byName) {
        List<Long> partly = new ArrayList<>();
        var query = handle.createQuery("select first_id, first_received, last_received, names from alert_chunk"
                        + " where last_received >= :since" + (until == null ? "" : " and first_received < :until"))
                .bind("since", AlertRepository.timestamp(since));
        if (until != null) {
            query.bind("until", AlertRepository.timestamp(until));
        }
        query.map((row, context) -> {
                    if (AlertRepository.instant(row.getTimestamp("first_received")).isBefore(since) || (until != null
                            && !AlertRepository.instant(row.getTimestamp("last_received")).isBefore(until))) {
                        partly.add(row.getLong("first_id")); // straddles a bound: count its alerts one by one
                    } else {
                        names(row.getString("names")).forEach((name, count) -> byName.merge(name, count, Integer::sum));
                    }
                    return 0;
                })
                .list();
        for (long firstId : partly) {
            handle.createQuery("select first_id, alerts from alert_chunk where first_id = :id").bind("id", firstId)
                    .map((row, context) -> decode(row.getLong("first_id"), row.getBytes("alerts")))
                    .findOne().orElse(List.of()).stream()
                    .filter(alert -> !alert.receivedAt().isBefore(since)
                            && (until == null || alert.receivedAt().isBefore(until)))
                    .forEach(alert -> byName.merge(alert.alert().name(), 1, Integer::sum));
        }
    }

    /**
     * Adds the bulk alerts received in each period [{@code bounds[i]}, {@code bounds[i + 1]}) to
     * {@code byPeriod.get(i)}, by alert name, in one read of the rows that began before the last bound (the
     * {@code alert_chunk (first_received)} index): retention's weekly roll-ups of many weeks read each row once,
     * and never the newer rows, which hold most of a store's bulk alerts. A row whose alerts fall in more than one
     * period (or partly outside them all) is decoded and counted alert by alert.
     */
    static void countByPeriod(Handle handle, List<Instant> bounds, List<Map<String, Integer>> byPeriod) {
        Instant from = bounds.getFirst();
        Instant until = bounds.getLast();
        List<Long> partly = new ArrayList<>();
        handle.createQuery("select first_id, first_received, last_received, names from alert_chunk"
                        + " where first_received < :until")
                .bind("until", AlertRepository.timestamp(until))
                .setFetchSize(64)
                .map((row, context) -> {
                    Instant first = AlertRepository.instant(row.getTimestamp("first_received"));
                    Instant last = AlertRepository.instant(row.getTimestamp("last_received"));
                    if (last.isBefore(from)) {
                        return 0; // rolled up by an earlier pass, not deleted yet
                    }
                    int period = period(bounds, first);
                    if (period >= 0 && period == period(bounds, last)) {
                        names(row.getString("names")).forEach((name, count) ->
                                byPeriod.get(period).merge(name, count, Integer::sum));
                    } else {
                        partly.add(row.getLong("first_id"));
                    }
                    return 0;
                })
                .list();
        for (long firstId : partly) {
            handle.createQuery("select first_id, alerts from alert_chunk where first_id = :id").bind("id", firstId)
                    .map((row, context) -> decode(row.getLong("first_id"), row.getBytes("alerts")))
                    .findOne().orElse(List.of())
                    .forEach(alert -> {
                        int period = period(bounds, alert.receivedAt());
                        if (period >= 0) {
                            byPeriod.get(period).merge(alert.alert().name(), 1, Integer::sum);
                        }
                    });
        }
    }

    /** The period of {@code bounds} that {@code instant} falls in, or -1 when it is outside them all. */
    private static int period(List<Instant> bounds, Instant instant) {
        for (int index = 0; index + 1 < bounds.size(); index++) {
            if (!instant.isBefore(bounds.get(index)) && instant.isBefore(bounds.get(index + 1))) {
                return index;
            }
        }
        return -1;
    }

    /**
     * Adds to {@code keys} the key hashes of the alerts stored with ids from {@code fromId} on: what other
     * nodes sharing the store stored since this node last looked (and this node's own last batch).
     */
    static void loadKeysSince(Handle handle, RecentAlertKeys keys, long fromId) {
        handle.createQuery("select alert_count, last_received, key_hashes from alert_chunk where first_id >= :from")
                .bind("from", fromId)
                .map((row, context) -> {
                    ByteBuffer bytes = ByteBuffer.wrap(row.getBytes("key_hashes"));
                    long[] hashes = new long[bytes.remaining() / 8];
                    bytes.asLongBuffer().get(hashes);
                    keys.addAll(hashes, Math.min(row.getInt("alert_count"), hashes.length / 2),
                            AlertRepository.instant(row.getTimestamp("last_received")));
                    return 0;
                })
                .forEach(ignored -> {
                });
        long[] hash = new long[2];
        handle.createQuery("select dedupe_key, received_at from alert where id >= :from")
                .bind("from", fromId)
                .map((row, context) -> {
                    PreparedDelivery.hash(row.getString("dedupe_key"), hash, 0);
                    keys.addAll(hash, 1, AlertRepository.instant(row.getTimestamp("received_at")));
                    return 0;
                })
                .forEach(ignored -> {
                });
    }

    /** Fills {@code keys} with the key hashes of the alerts stored within its window before {@code now}: bulk rows, then alert rows. */
    static void loadKeys(Handle handle, RecentAlertKeys keys, Instant now) {
        handle.createQuery("""
                        select alert_count, last_received, key_hashes from alert_chunk
                        where last_received >= :horizon order by first_id""")
                .bind("horizon", AlertRepository.timestamp(now.minus(keys.window())))
                .setFetchSize(256)
                .map((row, context) -> {
                    ByteBuffer bytes = ByteBuffer.wrap(row.getBytes("key_hashes"));
                    long[] hashes = new long[bytes.remaining() / 8];
                    bytes.asLongBuffer().get(hashes);
                    keys.addAll(hashes, Math.min(row.getInt("alert_count"), hashes.length / 2),
                            AlertRepository.instant(row.getTimestamp("last_received")));
                    return 0;
                })
                .forEach(ignored -> {
                });
        // Alerts in their own rows within the window too: after an upgrade the unmatched firing alerts of
        // the last day are rows, and their re-deliveries would otherwise be stored again in bulk.
        long[] hash = new long[2];
        handle.createQuery("select dedupe_key, received_at from alert where received_at >= :horizon order by received_at")
                .bind("horizon", AlertRepository.timestamp(now.minus(keys.window())))
                .setFetchSize(1024)
                .map((row, context) -> {
                    PreparedDelivery.hash(row.getString("dedupe_key"), hash, 0);
                    keys.addAll(hash, 1, AlertRepository.instant(row.getTimestamp("received_at")));
                    return 0;
                })
                .forEach(ignored -> {
                });
    }

    private static Map<String, Integer> names(String json) {
        try {
            return Json.json().readValue(json, NAME_COUNTS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored alert name counts are not valid JSON: " + json, e);
        }
    }

    static List<StoredAlert> merged(List<StoredAlert> first, List<StoredAlert> second, int limit) {
        List<StoredAlert> all = new ArrayList<>(first.size() + second.size());
        all.addAll(first);
        all.addAll(second);
        all.sort(Collections.reverseOrder(java.util.Comparator.comparingLong(StoredAlert::id)));
        return all.size() > limit ? List.copyOf(all.subList(0, limit)) : all;
    }
}
