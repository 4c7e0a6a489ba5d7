package io.chainplan.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChainHeapTest {
    private static final long SEED = 7L;

    @Test
    void shouldAlwaysPeekTheSmallestKeyWithRankTieBreak() {
        int n = 50;
        int[] ranks = new int[n];
        for (int k = 0; k < n; k++) {
            ranks[k] = (k * 17) % n;
        }
        ChainHeap heap = new ChainHeap(ranks);
        double[] key = new double[n];
        boolean[] in = new boolean[n];
        SplittableRandom random = new SplittableRandom(SEED);
        for (int step = 0; step < 20_000; step++) {
            int k = random.nextInt(n);
            if (random.nextInt(4) == 0) {
                heap.remove(k);
                in[k] = false;
            } else {
                key[k] = random.nextInt(5);
                heap.update(k, key[k]);
                in[k] = true;
            }
            assertThat(heap.peek()).isEqualTo(bruteForceMin(key, in, ranks));
        }
    }

    private static int bruteForceMin(double[] key, boolean[] in, int[] ranks) {
        int best = -1;
        for (int k = 0; k < key.length; k++) {
            if (in[k] && (best < 0 || key[k] < key[best] || (key[k] == key[best] && ranks[k] < ranks[best]))) {
                best = k;
            }
        }
        return best;
    }
}
