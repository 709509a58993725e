package dev.quench.core.store;

import dev.quench.core.alert.Alert;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Records many deliveries in one transaction: the group commit behind the webhooks (one commit, so
 * one fsync, for everything that arrived while the last commit ran). Each new alert goes one of two
 * ways: a firing alert that matches no runbook — the bulk of a storm — into one {@code alert_chunk}
 * row with the others ({@link AlertChunks}); every other alert into its own {@code alert} row, for
 * the dispatcher to match. A re-delivery is recognised by its dedupe key: in the alert table, among
 * the alerts stored within the re-delivery window ({@link RecentAlertKeys}), or earlier in the same
 * batch — exactly as if the two had come in two transactions. Use once, from one thread.
 */
final class DeliveryBatch {

    /** Keys per {@code IN (…)} look-up: keeps statements well under every driver's parameter limit. */
    private static final int LOOKUP_CHUNK = 500;
    private static final byte REPEAT = 0;
    private static final byte BULK = 1;
    private static final byte ROW = 2;

    private final List<PreparedDelivery> deliveries;
    private final Predicate<Alert> unmatched;
    private final RecentAlertKeys recent;
    /** Hashes of the alerts the last {@link #record} stored, two longs each. */
    private long[] stored = new long[0];
    private int storedCount;

    /**
     * @param unmatched alerts for which this says true are stored in bulk, as already processed with no
     *                  runbook matched (nothing is left for the dispatcher to do); the others wait for matching
     * @param recent    the keys of the alerts stored lately; {@link #remember} adds this batch's after its commit
     */
    DeliveryBatch(List<PreparedDelivery> deliveries, Predicate<Alert> unmatched, RecentAlertKeys recent) {
        this.deliveries = List.copyOf(deliveries);
        this.unmatched = Objects.requireNonNull(unmatched, "unmatched");
        this.recent = Objects.requireNonNull(recent, "recent");
    }

    /**
     * Records the batch in {@code handle}'s transaction; call {@link #remember} once it committed.
     *
     * @param lookUpKnown false when the caller already knows every alert is new (the journal's writer
     *                    decided it): the look-up of stored keys is skipped, the unique constraint on
     *                    {@code dedupe_key} still refuses a duplicate (the caller then retries with it)
     */
    List<RecordedDelivery> record(Handle handle, boolean lookUpKnown) {
        catchUp(handle, recent);
        boolean[] replay = replays(handle, deliveries.stream().map(PreparedDelivery::delivery).toList());
        int total = 0;
        for (PreparedDelivery delivery : deliveries) {
            total += delivery.size();
        }
        Hash128Set batch = new Hash128Set(total);
        byte[][] routes = new byte[deliveries.size()][];
        List<String> rowKeys = new ArrayList<>();
        for (int index = 0; index < deliveries.size(); index++) {
            PreparedDelivery delivery = deliveries.get(index);
            byte[] route = routes[index] = new byte[delivery.size()];
            if (replay[index]) {
                continue;
            }
            long[] hashes = delivery.hashes();
            for (int alert = 0; alert < route.length; alert++) {
                long hi = hashes[2 * alert];
                long lo = hashes[2 * alert + 1];
                if (recent.contains(hi, lo) || !batch.add(hi, lo)) {
                    route[alert] = REPEAT; // stored lately, or earlier in this batch: a re-delivery
                } else if (unmatched.test(delivery.delivery().alerts().get(alert))) {
                    route[alert] = BULK;
                } else {
                    route[alert] = ROW;
                    rowKeys.add(delivery.keys().get(alert));
                }
            }
        }
        Set<String> known = lookUpKnown && !rowKeys.isEmpty() ? existingKeys(handle, rowKeys) : Set.of();
        AlertChunks.Builder chunk = new AlertChunks.Builder();
        int rows = 0;
        for (int index = 0; index < deliveries.size(); index++) {
            PreparedDelivery delivery = deliveries.get(index);
            byte[] route = routes[index];
            boolean[] inChunk = new boolean[route.length];
            for (int alert = 0; alert < route.length; alert++) {
                if (route[alert] == ROW && known.contains(delivery.keys().get(alert))) {
                    route[alert] = REPEAT;
                }
                inChunk[alert] = route[alert] == BULK;
                rows += route[alert] == ROW ? 1 : 0;
            }
            chunk.add(delivery, inChunk);
        }
        int bulk = chunk.size();
        long firstId = bulk + rows == 0 ? 0 : allocateIds(handle, bulk + rows);
        chunk.insert(handle, firstId);
        // Ids: the chunk's alerts first (a row's ids are consecutive), then one per alert row.
        long nextBulkId = firstId;
        long nextRowId = firstId + bulk;
        stored = new long[2 * (bulk + rows)];
        storedCount = 0;
        List<RecordedDelivery> recorded = new ArrayList<>(deliveries.size());
        // Plain JDBC in the hot loop: Jdbi's named binding cost more per row than H2's insert itself.
        try (PreparedStatement insert = rows == 0 ? null : handle.getConnection().prepareStatement("""
                insert into alert (id, source, fingerprint, status, alertname, labels, annotations,
                                   starts_at, ends_at, generator_url, dedupe_key, received_at, group_key, processed)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false)""")) {
            for (int index = 0; index < deliveries.size(); index++) {
                PreparedDelivery delivery = deliveries.get(index);
                byte[] route = routes[index];
                List<Long> created = new ArrayList<>();
                List<Long> toMatch = new ArrayList<>();
                Timestamp receivedAt = AlertRepository.timestamp(delivery.delivery().receivedAt());
                for (int alert = 0; alert < route.length; alert++) {
                    if (route[alert] == REPEAT) {
                        continue;
                    }
                    stored[2 * storedCount] = delivery.hashes()[2 * alert];
                    stored[2 * storedCount + 1] = delivery.hashes()[2 * alert + 1];
                    storedCount++;
                    if (route[alert] == BULK) {
                        created.add(nextBulkId++);
                        continue;
                    }
                    long id = nextRowId++;
                    Alert value = delivery.delivery().alerts().get(alert);
                    insert.setLong(1, id);
                    insert.setString(2, value.source());
                    insert.setString(3, value.fingerprint());
                    insert.setString(4, value.status().wireName());
                    insert.setString(5, value.name());
                    insert.setString(6, AlertRepository.toJson(value.labels()));
                    insert.setString(7, AlertRepository.toJson(value.annotations()));
                    insert.setTimestamp(8, AlertRepository.timestamp(value.startsAt()));
                    insert.setTimestamp(9, AlertRepository.timestamp(value.endsAt()));
                    insert.setString(10, value.generatorUrl());
                    insert.setString(11, delivery.keys().get(alert));
                    insert.setTimestamp(12, receivedAt);
                    insert.setString(13, value.groupKey().isEmpty() ? null : value.groupKey());
                    insert.addBatch();
                    created.add(id);
                    toMatch.add(id);
                }
                recorded.add(new RecordedDelivery(created, replay[index], toMatch));
            }
            if (insert != null) {
                insert.executeBatch();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot insert " + rows + " alert(s): " + e.getMessage(), e);
        }
        return recorded;
    }

    /**
     * Locks {@code alert_id} (which every writer moves, so it orders the nodes sharing one PostgreSQL) and
     * adds the keys of alerts stored since the last batch, by any node, to the re-delivery check: under the
     * lock every earlier batch has committed, so a re-delivery that reaches another node is recognised
     * there exactly as on the node that stored it first. On one node it reads back the last batch only.
     */
    static void catchUp(Handle handle, RecentAlertKeys recent) {
        long next = handle.createQuery("select next_id from alert_id for update").mapTo(Long.class).one();
        long from = recent.caughtUpTo();
        if (from >= 0 && from < next) {
            AlertChunks.loadKeysSince(handle, recent, from);
        }
        recent.caughtUpTo(next);
    }

    /** After the transaction of {@link #record} committed: the re-delivery check knows its alerts from now on. */
    void remember(Instant at) {
        recent.addAll(stored, storedCount, at);
    }

    /**
     * Takes {@code count} consecutive alert ids in the caller's transaction and returns the first: the
     * row lock on {@code alert_id} orders concurrent writers (several nodes on one PostgreSQL).
     */
    static long allocateIds(Handle handle, int count) {
        handle.createUpdate("update alert_id set next_id = next_id + :count").bind("count", count).execute();
        return handle.createQuery("select next_id from alert_id").mapTo(Long.class).one() - count;
    }

    /** Marks deliveries whose id was seen before (stored, or earlier in this batch) and records the new ids. */
    static boolean[] replays(Handle handle, List<DeliveryToRecord> deliveries) {
        boolean[] replay = new boolean[deliveries.size()];
        Set<String> seen = new HashSet<>();
        PreparedBatch insert = null;
        for (int index = 0; index < deliveries.size(); index++) {
            DeliveryToRecord delivery = deliveries.get(index);
            if (delivery.deliveryId() == null) {
                continue;
            }
            boolean stored = !seen.add(delivery.source() + "\n" + delivery.deliveryId())
                    || handle.createQuery(
                            "select count(*) from webhook_delivery where source = :source and delivery_id = :id")
                    .bind("source", delivery.source()).bind("id", delivery.deliveryId())
                    .mapTo(Integer.class).one() > 0;
            if (stored) {
                replay[index] = true;
                continue;
            }
            if (insert == null) {
                insert = handle.prepareBatch(
                        "insert into webhook_delivery (source, delivery_id, received_at) values (:source, :id, :at)");
            }
            insert.bind("source", delivery.source()).bind("id", delivery.deliveryId())
                    .bind("at", AlertRepository.timestamp(delivery.receivedAt())).add();
        }
        if (insert != null) {
            insert.execute();
        }
        return replay;
    }

    static Set<String> existingKeys(Handle handle, List<String> keys) {
        Set<String> distinct = new HashSet<>(keys);
        Set<String> existing = new HashSet<>();
        List<String> chunk = new ArrayList<>(LOOKUP_CHUNK);
        for (String key : distinct) {
            chunk.add(key);
            if (chunk.size() == LOOKUP_CHUNK) {
                existing.addAll(lookUp(handle, chunk));
                chunk.clear();
            }
        }
        if (!chunk.isEmpty()) {
            existing.addAll(lookUp(handle, chunk));
        }
        return existing;
    }

    private static List<String> lookUp(Handle handle, List<String> keys) {
        // Padded to a few fixed lengths (repeating the last key): one SQL text per length, so the
        // database reuses its parsed statement instead of parsing a new IN list per batch size.
        int padded = keys.size() <= 8 ? 8 : keys.size() <= 64 ? 64 : LOOKUP_CHUNK;
        List<String> bound = new ArrayList<>(padded);
        bound.addAll(keys);
        while (bound.size() < padded) {
            bound.add(keys.get(keys.size() - 1));
        }
        return handle.createQuery("select dedupe_key from alert where dedupe_key in (<keys>)")
                .bindList("keys", bound).mapTo(String.class).list();
    }
}
