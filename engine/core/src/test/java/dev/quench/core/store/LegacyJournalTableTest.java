package dev.quench.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upgrading from the V7 table journal: what an older Quench accepted into it is stored, once, at the next open. */
class LegacyJournalTableTest {

    @TempDir
    Path data;

    @Test
    void alertsLeftInTheOldJournalTableAreStoredAsUnprocessedAlertsWhenTheStoreOpens() {
        String url = "jdbc:h2:file:" + data.resolve("quench");
        Instant start = Instant.parse("2026-11-20T02:58:14.117Z");
        Alert left = new Alert("alertmanager", "left-behind", AlertStatus.FIRING,
                Map.of("alertname", "DiskSpaceLow", "instance", "web-7:9100"), Map.of("summary", "full"), start, null, "");
        try (Store store = Store.open(url, "sa", "")) {
            store.jdbi().useHandle(handle -> handle.createUpdate("""
                            insert into alert_journal (source, received_at, alert_count, payload)
                            values ('alertmanager', :at, 1, :payload)""")
                    .bind("at", Timestamp.from(start)).bind("payload", JournalCodec.encode(List.of(left))).execute());
        }

        try (Store store = Store.open(url, "sa", "")) {
            assertThat(store.alerts().unprocessed(10)).extracting(StoredAlert::alert).containsExactly(left);
            int journalRows = store.jdbi().withHandle(handle -> handle.createQuery("select count(*) from alert_journal")
                    .mapTo(Integer.class).one());
            assertThat(journalRows).isZero();
        }
        try (Store store = Store.open(url, "sa", "")) {
            assertThat(store.alerts().count()).as("stored once, not again at the next open").isEqualTo(1);
        }
    }
}
