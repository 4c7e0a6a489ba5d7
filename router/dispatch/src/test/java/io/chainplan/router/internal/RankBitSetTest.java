package io.chainplan.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RankBitSetTest {
    private static final long SEED = 20260414L;

    @Test
    void shouldBeEmptyInitially() {
        assertThat(new RankBitSet(0).first()).isEqualTo(-1);
        assertThat(new RankBitSet(5000).first()).isEqualTo(-1);
    }

    @Test
    void shouldAgreeWithATreeSetOnRandomOperations() {
        for (int size : new int[] {1, 63, 64, 65, 4096, 4097, 300_000}) {
            RankBitSet bits = new RankBitSet(size);
            TreeSet<Integer> ref = new TreeSet<>();
            SplittableRandom random = new SplittableRandom(SEED + size);
            for (int step = 0; step < 20_000; step++) {
                int i = random.nextInt(size);
                if (random.nextBoolean()) {
                    bits.set(i);
                    ref.add(i);
                } else {
                    bits.clear(i);
                    ref.remove(i);
                }
                assertThat(bits.first()).isEqualTo(ref.isEmpty() ? -1 : ref.first());
                assertThat(bits.get(i)).isEqualTo(ref.contains(i));
            }
        }
    }
}
