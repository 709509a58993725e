package dev.quench.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecentAlertKeysTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    private static long[] hashes(int from, int count) {
        long[] hashes = new long[2 * count];
        for (int index = 0; index < count; index++) {
            PreparedDelivery.hash("key-" + (from + index), hashes, index);
        }
        return hashes;
    }

    private static boolean knows(RecentAlertKeys keys, int key) {
        long[] hash = hashes(key, 1);
        return keys.contains(hash[0], hash[1]);
    }

    @Test
    void keysAreKnownForTheWindowAndForgottenAfterIt() {
        RecentAlertKeys keys = new RecentAlertKeys(Duration.ofHours(24), 1_000_000);
        keys.addAll(hashes(0, 10_000), 10_000, T0);
        assertThat(knows(keys, 0)).isTrue();
        assertThat(knows(keys, 9_999)).isTrue();
        assertThat(knows(keys, 10_000)).isFalse();
        assertThat(keys.size()).isEqualTo(10_000);

        keys.addAll(hashes(20_000, 1), 1, T0.plus(Duration.ofHours(23)));
        assertThat(knows(keys, 0)).as("still inside the window").isTrue();
        keys.addAll(hashes(30_000, 1), 1, T0.plus(Duration.ofHours(31)));
        assertThat(knows(keys, 0)).as("a whole window later").isFalse();
        assertThat(knows(keys, 20_000)).isTrue();
        assertThat(keys.forgottenEarly()).isZero();
    }

    @Test
    void beyondTheKeyBoundTheOldestAreForgottenEarlyAndMemoryStaysBounded() {
        RecentAlertKeys keys = new RecentAlertKeys(Duration.ofHours(24), 4_000);
        for (int batch = 0; batch < 10; batch++) {
            keys.addAll(hashes(batch * 1_000, 1_000), 1_000, T0.plusSeconds(batch));
        }
        assertThat(keys.size()).isLessThanOrEqualTo(5_000);
        assertThat(keys.forgottenEarly()).isPositive();
        assertThat(knows(keys, 9_999)).as("the newest are kept").isTrue();
        assertThat(knows(keys, 0)).as("the oldest went first").isFalse();
    }

    @Test
    void aCollisionFreeSetGrowsAndKeepsEveryKey() {
        Hash128Set set = new Hash128Set(4);
        long[] hashes = hashes(0, 50_000);
        for (int index = 0; index < 50_000; index++) {
            assertThat(set.add(hashes[2 * index], hashes[2 * index + 1])).isTrue();
        }
        assertThat(set.add(hashes[0], hashes[1])).isFalse();
        assertThat(set.add(0, 0)).isTrue();
        assertThat(set.contains(0, 0)).isTrue();
        assertThat(set.size()).isEqualTo(50_001);
    }

    @Test
    void anEmptyWindowIsRefused() {
        assertThatThrownBy(() -> new RecentAlertKeys(Duration.ZERO, 1_000)).isInstanceOf(IllegalArgumentException.class);
    }
}
