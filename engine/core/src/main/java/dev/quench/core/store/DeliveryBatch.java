package dev.quench.core.store;

import dev.quench.core.alert.Alert;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Records many deliveries in one transaction with JDBC batch inserts: the group commit behind the
 * webhooks (one commit, so one fsync, for everything that arrived while the last commit ran).
 * De-duplication stays exact inside a batch: an alert or delivery id that appears twice in the
 * same batch is recorded once, as if the two had come in two transactions. Stateless.
 */
final class DeliveryBatch {

    /** Keys per {@code IN (…)} look-up: keeps statements well under every driver's parameter limit. */
    private static final int LOOKUP_CHUNK = 500;

    private DeliveryBatch() {
    }

    /**
     * @param unmatched alerts for which this says true are stored as already processed with no runbook
     *                  matched (nothing is left for the dispatcher to do); the others wait for matching
     */
    static List<RecordedDelivery> record(Handle handle, List<DeliveryToRecord> deliveries, Predicate<Alert> unmatched) {
        return record(handle, deliveries, unmatched, true);
    }

    /**
     * @param lookUpKnown false when the caller already knows every alert is new (the journal's writer
     *                    decided it): the look-up of stored keys is skipped, the unique constraint on
     *                    {@code dedupe_key} still refuses a duplicate (the caller then retries with it)
     */
    static List<RecordedDelivery> record(Handle handle, List<DeliveryToRecord> deliveries, Predicate<Alert> unmatched,
                                         boolean lookUpKnown) {
        boolean[] replay = replays(handle, deliveries);
        List<String> keys = new ArrayList<>();
        for (int index = 0; index < deliveries.size(); index++) {
            if (!replay[index]) {
                for (Alert alert : deliveries.get(index).alerts()) {
                    keys.add(AlertRepository.dedupeKey(alert));
                }
            }
        }
        Set<String> known = lookUpKnown ? existingKeys(handle, keys) : new HashSet<>();
        // Which delivery each new alert belongs to, in insert order.
        List<Integer> owners = new ArrayList<>();
        List<Boolean> processed = new ArrayList<>();
        List<Long> ids;
        // Plain JDBC in the hot loop: Jdbi's named binding cost more per row than H2's insert itself.
        try (PreparedStatement insert = handle.getConnection().prepareStatement("""
                insert into alert (source, fingerprint, status, alertname, labels, annotations,
                                   starts_at, ends_at, generator_url, dedupe_key, received_at, processed)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", new String[] {"id"})) {
            int keyIndex = 0;
            for (int index = 0; index < deliveries.size(); index++) {
                if (replay[index]) {
                    continue;
                }
                DeliveryToRecord delivery = deliveries.get(index);
                Timestamp receivedAt = AlertRepository.timestamp(delivery.receivedAt());
                for (Alert alert : delivery.alerts()) {
                    String key = keys.get(keyIndex++);
                    if (!known.add(key)) {
                        continue; // stored before, or earlier in this batch: a re-delivery
                    }
                    boolean done = unmatched.test(alert);
                    insert.setString(1, alert.source());
                    insert.setString(2, alert.fingerprint());
                    insert.setString(3, alert.status().wireName());
                    insert.setString(4, alert.name());
                    insert.setString(5, AlertRepository.toJson(alert.labels()));
                    insert.setString(6, AlertRepository.toJson(alert.annotations()));
                    insert.setTimestamp(7, AlertRepository.timestamp(alert.startsAt()));
                    insert.setTimestamp(8, AlertRepository.timestamp(alert.endsAt()));
                    insert.setString(9, alert.generatorUrl());
                    insert.setString(10, key);
                    insert.setTimestamp(11, receivedAt);
                    insert.setBoolean(12, done);
                    insert.addBatch();
                    processed.add(done);
                    owners.add(index);
                }
            }
            ids = new ArrayList<>(owners.size());
            if (!owners.isEmpty()) {
                insert.executeBatch();
                try (ResultSet generated = insert.getGeneratedKeys()) {
                    while (generated.next()) {
                        ids.add(generated.getLong(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot insert " + owners.size() + " alert(s): " + e.getMessage(), e);
        }
        if (ids.size() != owners.size()) {
            throw new IllegalStateException("the store returned " + ids.size() + " generated ids for "
                    + owners.size() + " inserted alerts; the batch was rolled back");
        }
        List<List<Long>> created = new ArrayList<>();
        List<List<Long>> toMatch = new ArrayList<>();
        for (int index = 0; index < deliveries.size(); index++) {
            created.add(new ArrayList<>());
            toMatch.add(new ArrayList<>());
        }
        for (int row = 0; row < ids.size(); row++) {
            created.get(owners.get(row)).add(ids.get(row));
            if (!processed.get(row)) {
                toMatch.get(owners.get(row)).add(ids.get(row));
            }
        }
        List<RecordedDelivery> recorded = new ArrayList<>(deliveries.size());
        for (int index = 0; index < deliveries.size(); index++) {
            recorded.add(new RecordedDelivery(created.get(index), replay[index], toMatch.get(index)));
        }
        return recorded;
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
