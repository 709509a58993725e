package dev.quench.core.store;

import dev.quench.core.alert.Alert;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest journal: each accepted delivery's new alerts are appended to a file in the data
 * directory ({@link JournalFiles}, forced to the disk per group), which is all a webhook waits for
 * before its 202; {@link #expand} later stores them as alert rows and, in the same transaction,
 * moves this journal's checkpoint in the store past them, so every journaled alert is stored
 * exactly once, whatever crashes when. Thread-safe for one appending thread (the webhooks' writer)
 * and one expanding thread (the expander).
 */
public final class AlertJournal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertJournal.class);

    private final Jdbi jdbi;
    private final AlertRepository alerts;
    private final String journalId;
    private final JournalFiles files;
    private final boolean h2;
    private final List<Entry> leftovers;
    /** The highest sequence stored as alerts; written by the expander only. */
    private volatile long expandedUpTo;

    /**
     * One delivery as journaled.
     *
     * @param entry    its journal record (only the alerts not seen before), empty for a replay or when nothing is new
     * @param received how many alerts the delivery held
     * @param replay   the sender's delivery id was seen before: nothing was recorded
     */
    public record Journaled(Optional<Entry> entry, int received, boolean replay) {

        /** How many of the delivery's alerts are new (the rest are re-deliveries). */
        public int created() {
            return entry.map(value -> value.delivery().alerts().size()).orElse(0);
        }
    }

    /**
     * One journal record: its sequence, the delivery (with its new alerts only) and their dedupe keys.
     */
    public record Entry(long sequence, DeliveryToRecord delivery, List<String> keys) {

        public Entry {
            Objects.requireNonNull(delivery, "delivery");
            keys = List.copyOf(keys);
        }

        Entry(long sequence, DeliveryToRecord delivery) {
            this(sequence, delivery, delivery.alerts().stream().map(AlertRepository::dedupeKey).toList());
        }
    }

    private AlertJournal(Jdbi jdbi, AlertRepository alerts, String journalId, JournalFiles files, boolean h2,
                         long expandedUpTo, List<Entry> leftovers) {
        this.jdbi = jdbi;
        this.alerts = alerts;
        this.journalId = journalId;
        this.files = files;
        this.h2 = h2;
        this.expandedUpTo = expandedUpTo;
        this.leftovers = leftovers;
    }

    /**
     * Opens the journal in {@code directory} (created when missing) for {@code store} and reads back
     * what it accepted and did not store before the last stop: see {@link #leftovers()}.
     *
     * @throws UncheckedIOException when the directory cannot be used or another process holds it
     */
    public static AlertJournal open(Path directory, Store store) {
        return open(directory, store, JournalFiles.DEFAULT_SEGMENT_BYTES);
    }

    static AlertJournal open(Path directory, Store store, long segmentBytes) {
        Objects.requireNonNull(directory, "directory");
        Jdbi jdbi = store.jdbi();
        String journalId = journalId(directory);
        long checkpoint = jdbi.inTransaction(handle -> checkpoint(handle, journalId));
        JournalFiles files = JournalFiles.open(directory, checkpoint, segmentBytes);
        List<Entry> leftovers = new ArrayList<>();
        try {
            for (JournalFiles.Record record : files.recovered()) {
                leftovers.add(new Entry(record.sequence(), JournalCodec.decodeRecord(record.body())));
            }
        } catch (RuntimeException e) {
            files.close();
            throw e;
        }
        boolean h2 = jdbi.withHandle(handle -> {
            try {
                return handle.getConnection().getMetaData().getDatabaseProductName().toUpperCase().contains("H2");
            } catch (SQLException e) {
                return false;
            }
        });
        return new AlertJournal(jdbi, store.alerts(), journalId, files, h2, checkpoint, List.copyOf(leftovers));
    }

    /** This journal's identity in the store (its checkpoint row): kept in the directory, made once. */
    private static String journalId(Path directory) {
        Path file = directory.resolve("journal.id");
        try {
            Files.createDirectories(directory);
            if (Files.exists(file)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!id.isEmpty()) {
                    return id;
                }
            }
            String id = UUID.randomUUID().toString();
            if (Files.notExists(file)) {
                Files.createFile(file, DataDirectory.privateFile());
            }
            Files.writeString(file, id + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file + ": " + e.getMessage()
                    + ". Check that the data directory is writable by Quench.", e);
        }
    }

    private static long checkpoint(Handle handle, String journalId) {
        Optional<Long> stored = handle.createQuery("select expanded_seq from ingest_journal where journal_id = :id")
                .bind("id", journalId).mapTo(Long.class).findOne();
        if (stored.isPresent()) {
            return stored.get();
        }
        handle.createUpdate("insert into ingest_journal (journal_id, expanded_seq, updated_at) values (:id, 0, :at)")
                .bind("id", journalId).bind("at", AlertRepository.timestamp(Instant.now())).execute();
        return 0;
    }

    /** What the journal accepted before the last stop and the store does not hold yet, oldest first. */
    public List<Entry> leftovers() {
        return leftovers;
    }

    /**
     * Decides, exactly, which of each delivery's alerts are new and appends one record per delivery
     * with new alerts (or a new sender delivery id) in ONE forced write. An alert is new unless its
     * dedupe key is in the alert table, earlier in this batch, or {@code pendingKey} (journaled, not
     * yet stored); a delivery id is a replay when it is stored, earlier in this batch, or
     * {@code pendingDelivery} (keyed {@code source + "\n" + id}). When this returns, the deliveries
     * are durably journaled; when it throws, none is.
     */
    public List<Journaled> append(List<PreparedDelivery> deliveries, Predicate<String> pendingKey,
                                  Predicate<String> pendingDelivery) {
        Objects.requireNonNull(pendingKey, "pendingKey");
        Objects.requireNonNull(pendingDelivery, "pendingDelivery");
        if (deliveries.isEmpty()) {
            return List.of();
        }
        boolean[] replay = new boolean[deliveries.size()];
        // Each key is tested against the pending set ONCE, before the store is read: a key the expander
        // removes from the set meanwhile is committed to the alert table by then, so the read sees it.
        Set<String> pendingHits = new HashSet<>();
        List<String> lookUp = new ArrayList<>();
        Set<String> deliveryIds = new HashSet<>();
        for (int index = 0; index < deliveries.size(); index++) {
            DeliveryToRecord delivery = deliveries.get(index).delivery();
            if (delivery.deliveryId() != null) {
                String id = delivery.source() + "\n" + delivery.deliveryId();
                replay[index] = !deliveryIds.add(id) || pendingDelivery.test(id);
            }
            if (!replay[index]) {
                for (String key : deliveries.get(index).keys()) {
                    if (pendingKey.test(key)) {
                        pendingHits.add(key);
                    } else {
                        lookUp.add(key);
                    }
                }
            }
        }
        Set<String> known;
        RecentAlertKeys recent = null;
        try {
            recent = alerts.recentKeys();
            known = jdbi.withHandle(handle -> {
                for (int index = 0; index < deliveries.size(); index++) {
                    DeliveryToRecord delivery = deliveries.get(index).delivery();
                    if (!replay[index] && delivery.deliveryId() != null) {
                        replay[index] = handle.createQuery(
                                        "select count(*) from webhook_delivery where source = :source and delivery_id = :id")
                                .bind("source", delivery.source()).bind("id", delivery.deliveryId())
                                .mapTo(Integer.class).one() > 0;
                    }
                }
                return lookUp.isEmpty() ? new HashSet<>() : DeliveryBatch.existingKeys(handle, lookUp);
            });
        } catch (RuntimeException storeDown) {
            // The journal's point: accept while the store is unavailable. What the store already holds
            // cannot be told apart now; the expansion de-duplicates exactly when it stores them.
            LOG.warn("the store cannot be read ({}); journaling {} delivery(ies) without checking them against the "
                    + "stored alerts: re-deliveries among them are recognised when they are stored, and the 202's "
                    + "'new' count may include them", Store.rootMessage(storeDown), deliveries.size());
            known = new HashSet<>();
        }
        List<Entry> journaled = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        for (int index = 0; index < deliveries.size(); index++) {
            if (replay[index]) {
                continue;
            }
            PreparedDelivery prepared = deliveries.get(index);
            DeliveryToRecord delivery = prepared.delivery();
            List<Alert> fresh = new ArrayList<>();
            List<String> freshKeys = new ArrayList<>();
            int[] skipped = new int[delivery.alerts().size()];
            int skips = 0;
            for (int alert = 0; alert < delivery.alerts().size(); alert++) {
                String key = prepared.keys().get(alert);
                boolean storedInBulk = recent != null
                        && recent.contains(prepared.hashes()[2 * alert], prepared.hashes()[2 * alert + 1]);
                if (!pendingHits.contains(key) && !storedInBulk && known.add(key)) {
                    fresh.add(delivery.alerts().get(alert));
                    freshKeys.add(key);
                } else {
                    skipped[skips++] = alert;
                }
            }
            if (fresh.isEmpty() && delivery.deliveryId() == null) {
                continue;
            }
            // A new delivery id is journaled even without new alerts: the store must learn it, or a replay passes.
            DeliveryToRecord record = new DeliveryToRecord(delivery.source(), delivery.deliveryId(), fresh,
                    delivery.receivedAt());
            journaled.add(new Entry(0, record, freshKeys));
            owners.add(index);
            bodies.add(JournalCodec.record(delivery, java.util.Arrays.copyOf(skipped, skips), prepared.encodedAlerts()));
        }
        long first;
        try {
            first = bodies.isEmpty() ? 0 : files.append(bodies);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ingest journal in " + files.directory() + ": "
                    + e.getMessage() + " (nothing of these deliveries was accepted; check free space and the disk)", e);
        }
        List<Journaled> result = new ArrayList<>(deliveries.size());
        for (int index = 0; index < deliveries.size(); index++) {
            result.add(new Journaled(Optional.empty(), deliveries.get(index).delivery().alerts().size(), replay[index]));
        }
        for (int row = 0; row < journaled.size(); row++) {
            int owner = owners.get(row);
            Entry entry = journaled.get(row);
            result.set(owner, new Journaled(Optional.of(new Entry(first + row, entry.delivery(), entry.keys())),
                    deliveries.get(owner).delivery().alerts().size(), false));
        }
        return result;
    }

    /**
     * Stores {@code entries} (in journal order, none expanded before) as alert rows and moves the
     * checkpoint past them, in ONE transaction; then deletes journal segments that hold nothing
     * unstored any more. Re-deliveries are recognised as in {@link AlertRepository#recordDeliveries}.
     *
     * @return each entry's outcome, in order
     */
    public List<RecordedDelivery> expand(List<Entry> entries, Predicate<Alert> unmatched) {
        Objects.requireNonNull(unmatched, "unmatched");
        if (entries.isEmpty()) {
            return List.of();
        }
        long upTo = entries.get(entries.size() - 1).sequence();
        List<RecordedDelivery> recorded;
        try {
            // The writer journaled only alerts it found new: no need to look their keys up again.
            recorded = expand(entries, unmatched, upTo, false);
        } catch (RuntimeException duplicate) {
            // The alert table changed behind the writer (another node, a restore): the exact path looks
            // every key up. Failing again is real.
            recorded = expand(entries, unmatched, upTo, true);
        }
        expandedUpTo = upTo;
        releaseSegments();
        return recorded;
    }

    private List<RecordedDelivery> expand(List<Entry> entries, Predicate<Alert> unmatched, long upTo,
                                          boolean lookUpKnown) {
        DeliveryBatch batch = new DeliveryBatch(entries.stream().map(entry -> PreparedDelivery.of(entry.delivery()))
                .toList(), unmatched, alerts.recentKeys());
        List<RecordedDelivery> stored = jdbi.inTransaction(handle -> {
            List<RecordedDelivery> recorded = batch.record(handle, lookUpKnown);
            int moved = handle.createUpdate("""
                            update ingest_journal set expanded_seq = :upTo, updated_at = :at
                            where journal_id = :id and expanded_seq < :upTo""")
                    .bind("upTo", upTo).bind("at", AlertRepository.timestamp(Instant.now())).bind("id", journalId)
                    .execute();
            if (moved != 1) {
                throw new IllegalStateException("the ingest journal's checkpoint in the store is already at or past "
                        + upTo + ": another process expands this journal, or it was restored from an older copy");
            }
            return recorded;
        });
        batch.remember(Instant.now());
        return stored;
    }

    /** Deletes closed segments whose records are all stored; a failure only delays it. */
    private void releaseSegments() {
        long stored = expandedUpTo;
        long oldestEnd = files.oldestClosedEnd();
        if (oldestEnd < 0 || oldestEnd > stored) {
            return;
        }
        try {
            if (h2) {
                // H2 writes each commit but syncs it to the disk only now and then: make the checkpoint
                // survive a power cut before the journal records behind it are deleted.
                jdbi.useHandle(handle -> handle.execute("checkpoint sync"));
            }
            int deleted = files.release(sequence -> sequence <= stored);
            LOG.debug("deleted {} ingest journal segment(s) stored up to sequence {}", deleted, stored);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot delete stored ingest journal segments in {} (they are kept and retried later): {}",
                    files.directory(), e.toString());
        }
    }

    /** The highest journal sequence already stored as alerts. */
    public long expandedUpTo() {
        return expandedUpTo;
    }

    /** Where the journal's files are. */
    public Path directory() {
        return files.directory();
    }

    @Override
    public void close() {
        files.close();
    }
}
