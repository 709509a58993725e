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
 * The journal's payload: a delivery's alerts as a compact JSON array of arrays, written and read
 * with Jackson's streaming API (no reflection, no extra dependency). Round-trips every field of
 * {@link Alert} exactly. Stateless and thread-safe.
 */
final class JournalCodec {

    private static final JsonFactory FACTORY = Json.json().getFactory();

    private JournalCodec() {
    }

    static byte[] encode(List<Alert> alerts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 * Math.max(1, alerts.size()));
        try (JsonGenerator out = FACTORY.createGenerator(bytes)) {
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
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + alerts.size() + " alert(s) for the ingest journal", e);
        }
        return bytes.toByteArray();
    }

    static List<Alert> decode(byte[] payload) {
        try (JsonParser in = FACTORY.createParser(payload)) {
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
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("an ingest journal entry cannot be read (" + e.getMessage()
                    + "); it was written by another Quench version or damaged", e);
        }
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
