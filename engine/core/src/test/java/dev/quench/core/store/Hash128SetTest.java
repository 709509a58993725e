package dev.quench.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class Hash128SetTest {

    @Test
    void holdsWhatWasAddedOnceThroughGrowthAndNothingElse() {
        Hash128Set set = new Hash128Set(16);
        Random random = new Random(7);
        Set<String> reference = new HashSet<>();
        long[] his = new long[50_000];
        long[] los = new long[50_000];
        for (int index = 0; index < his.length; index++) {
            // Few distinct high halves: many collisions on one half, as a poor mix would give.
            his[index] = random.nextInt(64);
            los[index] = random.nextLong();
            boolean fresh = reference.add(his[index] + ":" + los[index]);
            assertThat(set.add(his[index], los[index])).isEqualTo(fresh);
        }

        assertThat(set.size()).isEqualTo(reference.size());
        for (int index = 0; index < his.length; index++) {
            assertThat(set.contains(his[index], los[index])).isTrue();
            assertThat(set.add(his[index], los[index])).as("a second add").isFalse();
            assertThat(set.contains(his[index], los[index] + 1) == reference.contains(his[index] + ":" + (los[index] + 1)))
                    .isTrue();
        }
    }

    @Test
    void theAllZeroHashIsAKeyLikeAnyOther() {
        Hash128Set set = new Hash128Set(4);

        assertThat(set.contains(0, 0)).isFalse();
        assertThat(set.add(0, 0)).isTrue();
        assertThat(set.contains(0, 0)).isTrue();
        assertThat(set.add(0, 0)).isFalse();
        assertThat(set.size()).isEqualTo(1);
    }
}
