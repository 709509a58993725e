package dev.quench.core.store;

import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest journal's first form, a table ({@code alert_journal}, schema V7), replaced by journal
 * files (V8). Whatever an older Quench accepted into it and did not store yet is stored as
 * unprocessed alerts when the store opens, so the dispatcher's start-up recovery matches them:
 * nothing accepted is lost across the upgrade. Stateless.
 */
final class LegacyJournalTable {

    private static final Logger LOG = LoggerFactory.getLogger(LegacyJournalTable.class);

    private LegacyJournalTable() {
    }

    static void drain(Jdbi jdbi) {
        jdbi.useTransaction(handle -> {
            List<DeliveryToRecord> rows = handle.createQuery(
                            "select source, received_at, payload from alert_journal order by id")
                    .map((row, context) -> new DeliveryToRecord(row.getString("source"), null,
                            JournalCodec.decode(row.getBytes("payload")),
                            AlertRepository.instant(row.getTimestamp("received_at"))))
                    .list();
            if (rows.isEmpty()) {
                return;
            }
            // Before any delivery: the re-delivery check's memory holds nothing these alerts need.
            DeliveryBatch batch = new DeliveryBatch(rows.stream().map(PreparedDelivery::of).toList(), alert -> false,
                    new RecentAlertKeys(AlertRepository.DEFAULT_REDELIVERY_WINDOW, 16));
            List<RecordedDelivery> stored = batch.record(handle, true);
            handle.execute("delete from alert_journal");
            LOG.info("stored {} alert(s) an older Quench accepted into its ingest journal table and had not stored yet",
                    stored.stream().mapToInt(delivery -> delivery.created().size()).sum());
        });
    }
}
