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

    /** Format version of {@link #encodeDelivery}: the first element of every journal record. */
    private static final int DELIVERY_FORMAT = 1;

    /** One journal record: {@code [1, source, deliveryId|null, receivedAt, [alert, …]]}. */
    static byte[] encodeDelivery(DeliveryToRecord delivery) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + 512 * delivery.alerts().size());
        try (JsonGenerator out = FACTORY.createGenerator(bytes)) {
            out.writeStartArray();
            out.writeNumber(DELIVERY_FORMAT);
            out.writeString(delivery.source());
            out.writeString(delivery.deliveryId());
            writeInstant(out, delivery.receivedAt());
            writeAlerts(out, delivery.alerts());
            out.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a delivery of " + delivery.alerts().size()
                    + " alert(s) for the ingest journal", e);
        }
        return bytes.toByteArray();
    }

    static DeliveryToRecord decodeDelivery(byte[] record) {
        try (JsonParser in = FACTORY.createParser(record)) {
            expect(in.nextToken(), JsonToken.START_ARRAY);
            expect(in.nextToken(), JsonToken.VALUE_NUMBER_INT);
            if (in.getIntValue() != DELIVERY_FORMAT) {
                throw new IllegalStateException("record format " + in.getIntValue() + " is not " + DELIVERY_FORMAT);
            }
            String source = in.nextTextValue();
            JsonToken id = in.nextToken();
            String deliveryId = id == JsonToken.VALUE_NULL ? null : in.getText();
            Instant receivedAt = readInstant(in);
            List<Alert> alerts = readAlerts(in);
            expect(in.nextToken(), JsonToken.END_ARRAY);
            return new DeliveryToRecord(source, deliveryId, alerts, receivedAt);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("an ingest journal record cannot be read (" + e.getMessage()
                    + "); it was written by another Quench version or damaged", e);
        }
    }

    /** A delivery's alerts alone (the V7 journal table's payload). */
    static byte[] encode(List<Alert> alerts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 * Math.max(1, alerts.size()));
        try (JsonGenerator out = FACTORY.createGenerator(bytes)) {
            writeAlerts(out, alerts);
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

    private static void writeAlerts(JsonGenerator out, List<Alert> alerts) throws IOException {
        out.writeStartArray();
        for (Alert alert : alerts) {
            out.writeStartArray();
            out.writeString(alert.source());
            out.writeString(alert.fingerprint());
            out.writeString(alert.status().wireName());
            writeMap(out, alert.labels());
            writeMap(out, alert.annotations());
            writeInstant(out, alert.startsAt());
            writeInstant(out, alert.endsAt());
            out.writeString(alert.generatorUrl());
            out.writeEndArray();
        }
        out.writeEndArray();
    }

    private static List<Alert> readAlerts(JsonParser in) throws IOException {
        expect(in.nextToken(), JsonToken.START_ARRAY);
        List<Alert> alerts = new ArrayList<>();
        while (in.nextToken() == JsonToken.START_ARRAY) {
            String source = in.nextTextValue();
            String fingerprint = in.nextTextValue();
            String status = in.nextTextValue();
            Map<String, String> labels = readMap(in);
            Map<String, String> annotations = readMap(in);
            Instant startsAt = readInstant(in);
            Instant endsAt = readInstant(in);
            String generatorUrl = in.nextTextValue();
            expect(in.nextToken(), JsonToken.END_ARRAY);
            alerts.add(new Alert(source, fingerprint, AlertStatus.parse(status).orElseThrow(
                    () -> new IllegalStateException("unknown status '" + status + "'")),
                    labels, annotations, startsAt, endsAt, generatorUrl));
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
