package dev.quench.core.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.util.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ingest journal's records: a delivery and its alerts as a compact JSON array of arrays, written and read
 * with Jackson's streaming API (no reflection, no extra dependency). Round-trips every field of
 * {@link Alert} exactly. Stateless and thread-safe.
 */
final class JournalCodec {

    private static final JsonFactory FACTORY = Json.json().getFactory();

    private JournalCodec() {
    }

    /** Format version of a journal record: its first element. */
    private static final int RECORD_FORMAT = 1;

    /**
     * A delivery's alerts as the journal stores them: a JSON array of arrays, times as
     * {@code [epochSecond, nano]}. Made on the thread that parsed the delivery, so the journal's
     * single writer only concatenates.
     */
    static byte[] encodeAlerts(List<Alert> alerts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 512 * alerts.size());
        try (JsonGenerator out = FACTORY.createGenerator(bytes)) {
            writeAlerts(out, alerts, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + alerts.size() + " alert(s) for the ingest journal", e);
        }
        return bytes.toByteArray();
    }

    /**
     * One journal record: {@code [1, source, deliveryId|null, [receivedAt], [skipped index, …], alerts]},
     * where {@code alerts} is {@link #encodeAlerts} of the whole delivery and the skipped ones (its
     * re-deliveries) are left out when it is read back.
     */
    static byte[] record(DeliveryToRecord delivery, int[] skipped, byte[] encodedAlerts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(96 + 4 * skipped.length + encodedAlerts.length);
        try (JsonGenerator out = FACTORY.createGenerator(bytes)) {
            // The generator writes the head; the pre-encoded alerts and the closing bracket follow as bytes.
            out.disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
            out.writeStartArray();
            out.writeNumber(RECORD_FORMAT);
            out.writeString(delivery.source());
            out.writeString(delivery.deliveryId());
            writeTime(out, delivery.receivedAt());
            out.writeArray(skipped, 0, skipped.length);
            out.flush();
            bytes.write(',');
            bytes.write(encodedAlerts);
            bytes.write(']');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a delivery of " + delivery.alerts().size()
                    + " alert(s) for the ingest journal", e);
        }
        return bytes.toByteArray();
    }

    /** Reads a {@link #record}: the delivery with its skipped alerts left out. */
    static DeliveryToRecord decodeRecord(byte[] record) {
        try (JsonParser in = FACTORY.createParser(record)) {
            expect(in.nextToken(), JsonToken.START_ARRAY);
            return readRecord(in);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("an ingest journal record cannot be read (" + e.getMessage()
                    + "); it was written by another Quench version or damaged", e);
        }
    }

    /** Several {@link #record}s in one JSON array: {@code [record, record, …]} (a bulk alert row). */
    static byte[] records(List<byte[]> records) {
        int length = 2 + records.size();
        for (byte[] record : records) {
            length += record.length;
        }
        byte[] joined = new byte[length];
        int at = 0;
        joined[at++] = '[';
        for (int index = 0; index < records.size(); index++) {
            if (index > 0) {
                joined[at++] = ',';
            }
            System.arraycopy(records.get(index), 0, joined, at, records.get(index).length);
            at += records.get(index).length;
        }
        joined[at] = ']';
        return joined;
    }

    /** Reads {@link #records}, each delivery with its skipped alerts left out. */
    static List<DeliveryToRecord> decodeRecords(byte[] records) {
        try (JsonParser in = FACTORY.createParser(records)) {
            expect(in.nextToken(), JsonToken.START_ARRAY);
            List<DeliveryToRecord> deliveries = new ArrayList<>();
            while (in.nextToken() == JsonToken.START_ARRAY) {
                deliveries.add(readRecord(in));
            }
            return deliveries;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("stored alerts cannot be read (" + e.getMessage()
                    + "); they were written by another Quench version or damaged", e);
        }
    }

    /** Reads one record after its opening bracket, through its closing one. */
    private static DeliveryToRecord readRecord(JsonParser in) throws IOException {
        expect(in.nextToken(), JsonToken.VALUE_NUMBER_INT);
        if (in.getIntValue() != RECORD_FORMAT) {
            throw new IllegalStateException("record format " + in.getIntValue() + " is not " + RECORD_FORMAT);
        }
        String source = in.nextTextValue();
        JsonToken id = in.nextToken();
        String deliveryId = id == JsonToken.VALUE_NULL ? null : in.getText();
        Instant receivedAt = readTime(in);
        expect(in.nextToken(), JsonToken.START_ARRAY);
        java.util.Set<Integer> skipped = new java.util.HashSet<>();
        while (in.nextToken() == JsonToken.VALUE_NUMBER_INT) {
            skipped.add(in.getIntValue());
        }
        expect(in.nextToken(), JsonToken.START_ARRAY);
        List<Alert> alerts = new ArrayList<>();
        for (int index = 0; in.nextToken() == JsonToken.START_ARRAY; index++) {
            Alert alert = readAlert(in, true);
            if (!skipped.contains(index)) {
                alerts.add(alert);
            }
        }
        expect(in.nextToken(), JsonToken.END_ARRAY);
        return new DeliveryToRecord(source, deliveryId, alerts, receivedAt);
    }

    private static void writeTime(JsonGenerator out, Instant instant) throws IOException {
        if (instant == null) {
            out.writeNull();
            return;
        }
        out.writeStartArray();
        out.writeNumber(instant.getEpochSecond());
        out.writeNumber(instant.getNano());
        out.writeEndArray();
    }

    private static Instant readTime(JsonParser in) throws IOException {
        JsonToken token = in.nextToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(token, JsonToken.START_ARRAY);
        expect(in.nextToken(), JsonToken.VALUE_NUMBER_INT);
        long seconds = in.getLongValue();
        expect(in.nextToken(), JsonToken.VALUE_NUMBER_INT);
        int nanos = in.getIntValue();
        expect(in.nextToken(), JsonToken.END_ARRAY);
        return Instant.ofEpochSecond(seconds, nanos);
    }

    /** A delivery's alerts alone, times as text: the V7 journal table's payload (read at upgrade; tests write it). */
    static byte[] encode(List<Alert> alerts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 * Math.max(1, alerts.size()));
        try (JsonGenerator out = FACTORY.createGenerator(bytes)) {
            writeAlerts(out, alerts, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + alerts.size() + " alert(s) for the ingest journal", e);
        }
        return bytes.toByteArray();
    }

    static List<Alert> decode(byte[] payload) {
        try (JsonParser in = FACTORY.createParser(payload)) {
            return readAlerts(in);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("an ingest journal entry cannot be read (" + e.getMessage()
                    + "); it was written by another Quench version or damaged", e);
        }
    }

    /** @param epochTimes times as {@code [epochSecond, nano]} (journal files) or ISO-8601 text (the V7 table) */
    private static void writeAlerts(JsonGenerator out, List<Alert> alerts, boolean epochTimes) throws IOException {
        out.writeStartArray();
        for (Alert alert : alerts) {
            out.writeStartArray();
            out.writeString(alert.source());
            out.writeString(alert.fingerprint());
            out.writeString(alert.status().wireName());
            writeMap(out, alert.labels());
            writeMap(out, alert.annotations());
            if (epochTimes) {
                writeTime(out, alert.startsAt());
                writeTime(out, alert.endsAt());
            } else {
                writeInstant(out, alert.startsAt());
                writeInstant(out, alert.endsAt());
            }
            out.writeString(alert.generatorUrl());
            out.writeEndArray();
        }
        out.writeEndArray();
    }

    /** Reads one alert after its opening bracket, through its closing one. */
    private static Alert readAlert(JsonParser in, boolean epochTimes) throws IOException {
        String source = in.nextTextValue();
        String fingerprint = in.nextTextValue();
        String status = in.nextTextValue();
        Map<String, String> labels = readMap(in);
        Map<String, String> annotations = readMap(in);
        Instant startsAt = epochTimes ? readTime(in) : readInstant(in);
        Instant endsAt = epochTimes ? readTime(in) : readInstant(in);
        String generatorUrl = in.nextTextValue();
        expect(in.nextToken(), JsonToken.END_ARRAY);
        return new Alert(source, fingerprint, AlertStatus.parse(status).orElseThrow(
                () -> new IllegalStateException("unknown status '" + status + "'")),
                labels, annotations, startsAt, endsAt, generatorUrl);
    }

    private static List<Alert> readAlerts(JsonParser in) throws IOException {
        expect(in.nextToken(), JsonToken.START_ARRAY);
        List<Alert> alerts = new ArrayList<>();
        while (in.nextToken() == JsonToken.START_ARRAY) {
            alerts.add(readAlert(in, false));
        }
        return alerts;
    }

    private static void writeMap(JsonGenerator out, Map<String, String> map) throws IOException {
        out.writeStartObject();
        for (Map.Entry<String, String> entry : map.entrySet()) {
            out.writeStringField(entry.getKey(), entry.getValue());
        }
        out.writeEndObject();
    }

    private static Map<String, String> readMap(JsonParser in) throws IOException {
        expect(in.nextToken(), JsonToken.START_OBJECT);
        Map<String, String> map = new LinkedHashMap<>();
        String key;
        while ((key = in.nextFieldName()) != null) {
            map.put(key, in.nextTextValue());
        }
        return map;
    }

    private static void writeInstant(JsonGenerator out, Instant instant) throws IOException {
        if (instant == null) {
            out.writeNull();
        } else {
            out.writeString(instant.toString());
        }
    }

    private static Instant readInstant(JsonParser in) throws IOException {
        JsonToken token = in.nextToken();
        return token == JsonToken.VALUE_NULL ? null : Instant.parse(in.getText());
    }

    private static void expect(JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw new IllegalStateException("expected " + expected + ", found " + actual);
        }
    }
}
