package dev.quench.core.store;

import dev.quench.core.alert.Alert;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A delivery made ready for storing on the thread that parsed it (a webhook's event loop): its
 * alerts' dedupe keys, their 128-bit hashes and the alerts' encoding (ingest journal records and
 * bulk alert rows hold it as is), so the single writer only decides and concatenates.
 *
 * @param keys          one dedupe key per alert ({@link AlertRepository#dedupeKey})
 * @param hashes        two longs per alert: the MD5 of its dedupe key (never for security: a compact key)
 * @param encodedAlerts {@link JournalCodec#encodeAlerts} of all its alerts
 */
public record PreparedDelivery(DeliveryToRecord delivery, List<String> keys, long[] hashes, byte[] encodedAlerts) {

    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no MD5, which every JDK must have", e);
        }
    });

    public PreparedDelivery {
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(encodedAlerts, "encodedAlerts");
        keys = List.copyOf(keys);
        if (keys.size() != delivery.alerts().size() || hashes.length != 2 * keys.size()) {
            throw new IllegalArgumentException("one dedupe key and one hash per alert");
        }
    }

    public static PreparedDelivery of(DeliveryToRecord delivery) {
        List<String> keys = new ArrayList<>(delivery.alerts().size());
        long[] hashes = new long[2 * delivery.alerts().size()];
        int index = 0;
        for (Alert alert : delivery.alerts()) {
            String key = AlertRepository.dedupeKey(alert);
            keys.add(key);
            hash(key, hashes, index++);
        }
        return new PreparedDelivery(delivery, keys, hashes, JournalCodec.encodeAlerts(delivery.alerts()));
    }

    /** Writes the hash of {@code key} into {@code into[2 * index]} and {@code into[2 * index + 1]}. */
    static void hash(String key, long[] into, int index) {
        ByteBuffer digest = ByteBuffer.wrap(MD5.get().digest(key.getBytes(StandardCharsets.UTF_8)));
        into[2 * index] = digest.getLong();
        into[2 * index + 1] = digest.getLong();
    }

    /** The alerts' count. */
    int size() {
        return keys.size();
    }
}
