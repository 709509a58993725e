package dev.quench.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JournalCodecTest {

    private static final Instant RECEIVED = Instant.parse("2026-12-03T06:30:00.123456789Z");

    private static Alert alert(int index) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", "DiskFull");
        labels.put("instance", "web-" + index);
        labels.put("ünïcödé ☃", "日本語 " + index);
        return new Alert("alertmanager", "fp-" + index, index % 2 == 0 ? AlertStatus.FIRING : AlertStatus.RESOLVED,
                labels, index % 3 == 0 ? Map.of() : Map.of("summary", "/ is " + (90 + index) + "% full"),
                index % 4 == 0 ? null : Instant.parse("1969-07-20T20:17:40.5Z").plusSeconds(index),
                index % 2 == 0 ? null : Instant.parse("2026-12-03T06:00:00Z").plusNanos(index),
                index % 5 == 0 ? "" : "http://prometheus:9090/graph?g0.expr=up%3D%3D0&i=" + index,
                index % 3 == 1 ? "{}/{severity=\"critical\"}:{instance=\"web-" + index + "\"}" : "");
    }

    private static List<Alert> alerts(int count) {
        List<Alert> alerts = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            alerts.add(alert(index));
        }
        return alerts;
    }

    @Test
    void aRecordOfAnEarlierVersionWithoutGroupKeysIsReadWithNone() {
        Alert alert = new Alert("alertmanager", "fp-1", AlertStatus.FIRING, Map.of("alertname", "DiskFull"), Map.of(),
                null, null, "");
        byte[] current = JournalCodec.record(new DeliveryToRecord("alertmanager", null, List.of(alert), RECEIVED),
                new int[0], JournalCodec.encodeAlerts(List.of(alert)));
        // Format 2 is format 3 without the group key, the last field of each alert: here one empty text (byte 1).
        assertThat(current[0]).isEqualTo((byte) 3);
        assertThat(current[current.length - 1]).isEqualTo((byte) 1);
        byte[] earlier = java.util.Arrays.copyOf(current, current.length - 1);
        earlier[0] = 2;

        DeliveryToRecord read = JournalCodec.decodeRecord(earlier);

        assertThat(read.alerts()).containsExactly(alert);
        assertThat(read.alerts().getFirst().groupKey()).isEmpty();
    }

    @Test
    void aRecordRoundTripsEveryFieldOfEveryAlertInOrderLeavingOutTheSkippedOnes() {
        List<Alert> alerts = alerts(12);
        DeliveryToRecord delivery = new DeliveryToRecord("alertmanager", null, alerts, RECEIVED);

        DeliveryToRecord whole = JournalCodec.decodeRecord(
                JournalCodec.record(delivery, new int[0], JournalCodec.encodeAlerts(alerts)));
        DeliveryToRecord skipping = JournalCodec.decodeRecord(
                JournalCodec.record(new DeliveryToRecord("pagerduty", "webhook-7", alerts, RECEIVED),
                        new int[] {0, 5, 11}, JournalCodec.encodeAlerts(alerts)));

        assertThat(whole).isEqualTo(delivery);
        assertThat(whole.alerts().get(1).groupKey()).isEqualTo("{}/{severity=\"critical\"}:{instance=\"web-1\"}");
        assertThat(List.copyOf(whole.alerts().get(1).labels().keySet()))
                .containsExactly("alertname", "instance", "ünïcödé ☃");
        assertThat(skipping.deliveryId()).isEqualTo("webhook-7");
        assertThat(skipping.source()).isEqualTo("pagerduty");
        assertThat(skipping.receivedAt()).isEqualTo(RECEIVED);
        List<Alert> kept = new ArrayList<>(alerts);
        kept.remove(11);
        kept.remove(5);
        kept.remove(0);
        assertThat(skipping.alerts()).isEqualTo(kept);
    }

    @Test
    void severalRecordsInOneBulkRowComeBackInOrder() {
        List<byte[]> records = new ArrayList<>();
        List<DeliveryToRecord> deliveries = new ArrayList<>();
        for (int index = 0; index < 5; index++) {
            DeliveryToRecord delivery = new DeliveryToRecord("generic-" + index, index % 2 == 0 ? null : "id-" + index,
                    alerts(index), RECEIVED.plusMillis(index));
            deliveries.add(delivery);
            records.add(JournalCodec.record(delivery, new int[0], JournalCodec.encodeAlerts(delivery.alerts())));
        }

        assertThat(JournalCodec.decodeRecords(JournalCodec.records(records))).isEqualTo(deliveries);
        assertThat(JournalCodec.decodeRecords(JournalCodec.records(List.of()))).isEmpty();
    }

    @Test
    void aJsonRecordOfTheUnreleasedFormat1IsRefusedAsAnotherVersions() {
        // Format 1 (JSON) was written only by development builds before 0.1.0: no user has such a journal.
        byte[] json = "[1,\"alertmanager\",null,[1796279400,123456789],[],[]]".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> JournalCodec.decodeRecord(json)).isInstanceOf(IllegalStateException.class)
                .hasMessage("an ingest journal record cannot be read (record format 91 is not 3); "
                        + "it was written by another Quench version or damaged");
    }

    @Test
    void aDamagedRecordIsRefusedWithAReasonNeverMisread() {
        List<Alert> alerts = alerts(6);
        DeliveryToRecord delivery = new DeliveryToRecord("alertmanager", "d", alerts, RECEIVED);
        byte[] record = JournalCodec.record(delivery, new int[0], JournalCodec.encodeAlerts(alerts));
        byte[] row = JournalCodec.records(List.of(record, record));

        assertThatThrownBy(() -> JournalCodec.decodeRecord(java.util.Arrays.copyOf(record, record.length - 3)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot be read")
                .hasMessageContaining("ends early");
        byte[] longer = java.util.Arrays.copyOf(record, record.length + 1);
        assertThatThrownBy(() -> JournalCodec.decodeRecord(longer)).hasMessageContaining("unexpected byte");
        byte[] otherFormat = record.clone();
        otherFormat[0] = 9;
        assertThatThrownBy(() -> JournalCodec.decodeRecord(otherFormat)).hasMessageContaining("record format 9");

        // Bit flips and truncations: each either reads (a flip inside a text) or fails with the reason.
        Random random = new Random(42);
        for (int round = 0; round < 5_000; round++) {
            byte[] damaged = random.nextBoolean() ? row.clone() : java.util.Arrays.copyOf(row, random.nextInt(row.length));
            if (damaged.length > 0) {
                damaged[random.nextInt(damaged.length)] ^= (byte) (1 << random.nextInt(8));
            }
            try {
                JournalCodec.decodeRecords(damaged);
            } catch (IllegalStateException expected) {
                assertThat(expected).hasMessageContaining("stored alerts cannot be read");
            }
        }
    }
}
