package dev.quench.core.store;

import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ingest journal's records and the bulk alert rows' contents: a delivery and its alerts in a compact
 * binary form (varint lengths, UTF-8 strings, times as epoch second + nano), written on the event loop
 * that parsed the delivery and read back only after a restart or for a query. Round-trips every field of
 * {@link Alert} exactly. Stateless and thread-safe.
 */
final class JournalCodec {

    private JournalCodec() {
    }

    /** Format of a binary record: its first byte. 3 adds each alert's group key after its generator URL. */
    private static final byte BINARY_RECORD_FORMAT = 3;
    /** Records written before group keys were kept (journals and alert chunks of earlier versions): read as none. */
    private static final byte NO_GROUP_KEY_FORMAT = 2;

    /**
     * A delivery's alerts as a record holds them: a count, then each alert. Made on the thread that
     * parsed the delivery, so the single writer only concatenates.
     */
    static byte[] encodeAlerts(List<Alert> alerts) {
        Output out = new Output(16 + 256 * alerts.size());
        out.varint(alerts.size());
        for (Alert alert : alerts) {
            out.string(alert.source());
            out.string(alert.fingerprint());
            out.string(alert.status().wireName());
            out.map(alert.labels());
            out.map(alert.annotations());
            out.time(alert.startsAt());
            out.time(alert.endsAt());
            out.string(alert.generatorUrl());
            out.string(alert.groupKey());
        }
        return out.toByteArray();
    }

    /**
     * One record: {@code 2, source, deliveryId|null, receivedAt, skipped indexes, alerts}, where
     * {@code alerts} is {@link #encodeAlerts} of the whole delivery and the skipped ones (its
     * re-deliveries) are left out when it is read back.
     */
    static byte[] record(DeliveryToRecord delivery, int[] skipped, byte[] encodedAlerts) {
        Output out = new Output(64 + 4 * skipped.length + encodedAlerts.length);
        out.write(BINARY_RECORD_FORMAT);
        out.string(delivery.source());
        out.string(delivery.deliveryId());
        out.time(delivery.receivedAt());
        out.varint(skipped.length);
        for (int index : skipped) {
            out.varint(index);
        }
        out.write(encodedAlerts, 0, encodedAlerts.length);
        return out.toByteArray();
    }

    /** Reads a {@link #record}: the delivery with its skipped alerts left out. */
    static DeliveryToRecord decodeRecord(byte[] record) {
        try {
            Input in = new Input(record, 0, record.length);
            DeliveryToRecord delivery = readRecord(in);
            in.expectEnd();
            return delivery;
        } catch (RuntimeException e) {
            throw new IllegalStateException("an ingest journal record cannot be read (" + e.getMessage()
                    + "); it was written by another Quench version or damaged", e);
        }
    }

    /** Several {@link #record}s in one byte array, each after its length (a bulk alert row). */
    static byte[] records(List<byte[]> records) {
        int length = 10;
        for (byte[] record : records) {
            length += 5 + record.length;
        }
        Output out = new Output(length);
        out.varint(records.size());
        for (byte[] record : records) {
            out.varint(record.length);
            out.write(record, 0, record.length);
        }
        return out.toByteArray();
    }

    /** Reads {@link #records}, each delivery with its skipped alerts left out. */
    static List<DeliveryToRecord> decodeRecords(byte[] records) {
        try {
            Input in = new Input(records, 0, records.length);
            int count = in.count();
            List<DeliveryToRecord> deliveries = new ArrayList<>(count);
            for (int index = 0; index < count; index++) {
                int length = in.count();
                Input record = in.slice(length);
                deliveries.add(readRecord(record));
                record.expectEnd();
            }
            in.expectEnd();
            return deliveries;
        } catch (RuntimeException e) {
            throw new IllegalStateException("stored alerts cannot be read (" + e.getMessage()
                    + "); they were written by another Quench version or damaged", e);
        }
    }

    private static DeliveryToRecord readRecord(Input in) {
        int format = in.read();
        if (format != BINARY_RECORD_FORMAT && format != NO_GROUP_KEY_FORMAT) {
            throw new IllegalStateException("record format " + format + " is not " + BINARY_RECORD_FORMAT);
        }
        boolean groupKeys = format == BINARY_RECORD_FORMAT;
        String source = in.string();
        String deliveryId = in.string();
        Instant receivedAt = in.time();
        int skips = in.count();
        java.util.BitSet skipped = new java.util.BitSet();
        for (int index = 0; index < skips; index++) {
            skipped.set(in.count());
        }
        int count = in.count();
        List<Alert> alerts = new ArrayList<>(Math.min(count, 10_000));
        for (int index = 0; index < count; index++) {
            String alertSource = in.string();
            String fingerprint = in.string();
            String status = in.string();
            Map<String, String> labels = in.map();
            Map<String, String> annotations = in.map();
            Instant startsAt = in.time();
            Instant endsAt = in.time();
            String generatorUrl = in.string();
            String groupKey = groupKeys ? in.string() : "";
            if (!skipped.get(index)) {
                alerts.add(new Alert(alertSource, fingerprint, status(status), labels, annotations, startsAt, endsAt,
                        generatorUrl, groupKey));
            }
        }
        return new DeliveryToRecord(source, deliveryId, alerts, receivedAt);
    }

    private static AlertStatus status(String status) {
        return AlertStatus.parse(status).orElseThrow(() -> new IllegalStateException("unknown status '" + status + "'"));
    }

    /** A growing byte array with the primitives of the binary form. */
    private static final class Output {

        private byte[] bytes;
        private int size;

        Output(int capacity) {
            bytes = new byte[Math.max(16, capacity)];
        }

        void write(int value) {
            room(1);
            bytes[size++] = (byte) value;
        }

        void write(byte[] from, int offset, int length) {
            room(length);
            System.arraycopy(from, offset, bytes, size, length);
            size += length;
        }

        /** An unsigned LEB128 varint. */
        void varint(long value) {
            room(10);
            while ((value & ~0x7FL) != 0) {
                bytes[size++] = (byte) ((value & 0x7F) | 0x80);
                value >>>= 7;
            }
            bytes[size++] = (byte) value;
        }

        /** Its UTF-8 length plus one (0 for null), then its UTF-8 bytes. */
        void string(String value) {
            if (value == null) {
                write(0);
                return;
            }
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            varint(utf8.length + 1L);
            write(utf8, 0, utf8.length);
        }

        void map(Map<String, String> map) {
            varint(map.size());
            for (Map.Entry<String, String> entry : map.entrySet()) {
                string(entry.getKey());
                string(entry.getValue());
            }
        }

        /** 0 for null; else 1, the epoch second as a zig-zag varint and the nano as a varint. */
        void time(Instant instant) {
            if (instant == null) {
                write(0);
                return;
            }
            write(1);
            long seconds = instant.getEpochSecond();
            varint((seconds << 1) ^ (seconds >> 63));
            varint(instant.getNano());
        }

        private void room(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(size + more, 2 * bytes.length));
            }
        }

        byte[] toByteArray() {
            return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
        }
    }

    /** Reads what {@link Output} wrote; anything out of bounds or malformed fails with a reason. */
    private static final class Input {

        private final byte[] bytes;
        private int at;
        private final int end;

        Input(byte[] bytes, int at, int end) {
            this.bytes = bytes;
            this.at = at;
            this.end = end;
        }

        int read() {
            if (at >= end) {
                throw new IllegalStateException("it ends early, at byte " + at);
            }
            return bytes[at++] & 0xFF;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int next = read();
                value |= (long) (next & 0x7F) << shift;
                if ((next & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalStateException("a number at byte " + at + " is too long");
        }

        /** A varint that is a length, count or index. */
        int count() {
            long value = varint();
            if (value < 0 || value > Integer.MAX_VALUE) {
                throw new IllegalStateException("a count of " + value + " at byte " + at + " is impossible");
            }
            return (int) value;
        }

        Input slice(int length) {
            if (length > end - at) {
                throw new IllegalStateException("a record of " + length + " bytes at byte " + at
                        + " runs past the end");
            }
            Input slice = new Input(bytes, at, at + length);
            at += length;
            return slice;
        }

        String string() {
            long lengthPlusOne = varint();
            if (lengthPlusOne == 0) {
                return null;
            }
            long length = lengthPlusOne - 1;
            if (length > end - at) {
                throw new IllegalStateException("a text of " + length + " bytes at byte " + at + " runs past the end");
            }
            String value = new String(bytes, at, (int) length, StandardCharsets.UTF_8);
            at += (int) length;
            return value;
        }

        Map<String, String> map() {
            int size = count();
            Map<String, String> map = new LinkedHashMap<>();
            for (int index = 0; index < size; index++) {
                map.put(string(), string());
            }
            return map;
        }

        Instant time() {
            int present = read();
            if (present == 0) {
                return null;
            }
            if (present != 1) {
                throw new IllegalStateException("a time at byte " + (at - 1) + " is malformed");
            }
            long zigzag = varint();
            long seconds = (zigzag >>> 1) ^ -(zigzag & 1);
            long nanos = varint();
            return Instant.ofEpochSecond(seconds, nanos);
        }

        void expectEnd() {
            if (at != end) {
                throw new IllegalStateException((end - at) + " unexpected byte(s) after byte " + at);
            }
        }
    }
}
