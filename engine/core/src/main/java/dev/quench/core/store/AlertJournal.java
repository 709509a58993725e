package dev.quench.core.store;

import dev.quench.core.alert.Alert;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The ingest journal: each accepted delivery is appended as ONE narrow row (its new alerts, encoded),
 * which is all a webhook waits for before its 202; {@link #expand} later turns rows into alert rows
 * and deletes them in the same transaction, so every journaled alert is stored exactly once, even
 * across a crash between the two. Thread-safe; {@link #append} and {@link #expand} each expect a
 * single caller thread (the webhooks' writer and the expander).
 */
public final class AlertJournal {

    private final Jdbi jdbi;

    AlertJournal(Jdbi jdbi) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    }

    /**
     * One delivery as journaled.
     *
     * @param entry     its journal row (only the alerts not seen before), empty for a replay or when nothing is new
     * @param received  how many alerts the delivery held
     * @param replay    the sender's delivery id was seen before: nothing was recorded
     */
    public record Journaled(java.util.Optional<Entry> entry, int received, boolean replay) {

        /** How many of the delivery's alerts are new (the rest are re-deliveries). */
        public int created() {
            return entry.map(value -> value.delivery().alerts().size()).orElse(0);
        }
    }

    /** One journal row: its id and the delivery's new alerts. */
    public record Entry(long id, DeliveryToRecord delivery) {
    }

    /**
     * Appends {@code deliveries} in ONE transaction: new PagerDuty-style delivery ids are recorded
     * (a known one is a replay, decided here, exactly, before any 202), and each delivery's new
     * alerts become one journal row. An alert is new unless its dedupe key is in the alert table,
     * earlier in this batch, or {@code pending} (journaled before, not yet expanded). When this
     * returns, the deliveries are durably stored; when it throws, none is.
     */
    public List<Journaled> append(List<DeliveryToRecord> deliveries, Predicate<String> pending) {
        Objects.requireNonNull(pending, "pending");
        if (deliveries.isEmpty()) {
            return List.of();
        }
        return jdbi.inTransaction(handle -> {
            boolean[] replay = DeliveryBatch.replays(handle, deliveries);
            // Each key is tested against the pending set ONCE, before the store is read: a key the expander
            // removes from the set meanwhile is committed to the alert table by then, so the read sees it.
            Set<String> pendingHits = new HashSet<>();
            List<String> lookUp = new ArrayList<>();
            for (int index = 0; index < deliveries.size(); index++) {
                if (!replay[index]) {
                    for (Alert alert : deliveries.get(index).alerts()) {
                        String key = AlertRepository.dedupeKey(alert);
                        if (pending.test(key)) {
                            pendingHits.add(key);
                        } else {
                            lookUp.add(key);
                        }
                    }
                }
            }
            Set<String> known = lookUp.isEmpty() ? new HashSet<>() : DeliveryBatch.existingKeys(handle, lookUp);
            PreparedBatch insert = handle.prepareBatch("""
                    insert into alert_journal (source, received_at, alert_count, payload)
                    values (:source, :receivedAt, :count, :payload)""");
            List<DeliveryToRecord> journaled = new ArrayList<>();
            List<Integer> owners = new ArrayList<>();
            for (int index = 0; index < deliveries.size(); index++) {
                if (replay[index]) {
                    continue;
                }
                DeliveryToRecord delivery = deliveries.get(index);
                List<Alert> fresh = new ArrayList<>();
                for (Alert alert : delivery.alerts()) {
                    String key = AlertRepository.dedupeKey(alert);
                    if (!pendingHits.contains(key) && known.add(key)) {
                        fresh.add(alert);
                    }
                }
                if (fresh.isEmpty()) {
                    continue;
                }
                DeliveryToRecord row = new DeliveryToRecord(delivery.source(), null, fresh, delivery.receivedAt());
                insert.bind("source", row.source())
                        .bind("receivedAt", AlertRepository.timestamp(row.receivedAt()))
                        .bind("count", fresh.size())
                        .bind("payload", JournalCodec.encode(fresh))
                        .add();
                journaled.add(row);
                owners.add(index);
            }
            List<Long> ids = journaled.isEmpty() ? List.of()
                    : insert.executePreparedBatch("id").mapTo(Long.class).list();
            if (ids.size() != journaled.size()) {
                throw new IllegalStateException("the store returned " + ids.size() + " generated ids for "
                        + journaled.size() + " journal rows; the batch was rolled back");
            }
            List<Journaled> result = new ArrayList<>(deliveries.size());
            for (int index = 0; index < deliveries.size(); index++) {
                result.add(new Journaled(java.util.Optional.empty(), deliveries.get(index).alerts().size(), replay[index]));
            }
            for (int row = 0; row < ids.size(); row++) {
                int owner = owners.get(row);
                result.set(owner, new Journaled(java.util.Optional.of(new Entry(ids.get(row), journaled.get(row))),
                        deliveries.get(owner).alerts().size(), false));
            }
            return result;
        });
    }

    /**
     * Expands {@code entries} (in journal order) into alert rows and deletes their journal rows, in
     * ONE transaction: exactly once, whatever crashes when. Re-deliveries are recognised as in
     * {@link AlertRepository#recordDeliveries}, so an entry expanded twice still stores nothing twice.
     *
     * @return each entry's outcome, in order
     */
    public List<RecordedDelivery> expand(List<Entry> entries, Predicate<Alert> unmatched) {
        Objects.requireNonNull(unmatched, "unmatched");
        if (entries.isEmpty()) {
            return List.of();
        }
        try {
            // The writer journaled only alerts it found new: no need to look their keys up again.
            return expand(entries, unmatched, false);
        } catch (RuntimeException duplicate) {
            // Already expanded (a crash after the commit, before the caller heard of it), or the alert
            // table changed behind the writer: the exact path looks every key up. Failing again is real.
            return expand(entries, unmatched, true);
        }
    }

    private List<RecordedDelivery> expand(List<Entry> entries, Predicate<Alert> unmatched, boolean lookUpKnown) {
        return jdbi.inTransaction(handle -> {
            List<RecordedDelivery> recorded = DeliveryBatch.record(handle,
                    entries.stream().map(Entry::delivery).toList(), unmatched, lookUpKnown);
            for (int from = 0; from < entries.size(); from += 500) {
                handle.createUpdate("delete from alert_journal where id in (<ids>)")
                        .bindList("ids", entries.subList(from, Math.min(entries.size(), from + 500))
                                .stream().map(Entry::id).toList())
                        .execute();
            }
            return recorded;
        });
    }

    /** Every journal row, oldest first: what the last run accepted but did not expand. */
    public List<Entry> entries() {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "select id, source, received_at, payload from alert_journal order by id")
                .map((row, context) -> new Entry(row.getLong("id"), new DeliveryToRecord(row.getString("source"), null,
                        JournalCodec.decode(row.getBytes("payload")),
                        AlertRepository.instant(row.getTimestamp("received_at")))))
                .list());
    }

    /** How many alerts the journal holds (accepted, not yet in the alert table). */
    public long pendingAlerts() {
        return jdbi.withHandle(handle -> handle.createQuery("select coalesce(sum(alert_count), 0) from alert_journal")
                .mapTo(Long.class).one());
    }

}
