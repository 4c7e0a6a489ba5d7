package io.chainplan.local.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StatsTest {
    private static final long SEED = 7L;

    @Test
    void shouldGiveMeanPercentilesAndABatchMeansIntervalThatCoversTheTrueMean() {
        SplittableRandom r = new SplittableRandom(SEED);
        double[] v = new double[10_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = 1 + r.nextGaussian() * 0.1;
        }
        Stats s = Stats.of(v);
        assertThat(s.n()).isEqualTo(10_000);
        assertThat(s.mean()).isCloseTo(1.0, within(s.ci95()));
        assertThat(s.ci95()).isBetween(0.001, 0.004);
        assertThat(s.median()).isCloseTo(1.0, within(0.01));
        assertThat(s.p95()).isCloseTo(1.1645, within(0.01));
        assertThat(s.max()).isGreaterThan(s.p99());
    }

    @Test
    void shouldTakeNearestRankPercentilesAndLeaveTheSampleInTimeOrder() {
        double[] v = new double[100];
        for (int i = 0; i < v.length; i++) {
            v[i] = v.length - i;
        }
        double[] before = v.clone();
        Stats s = Stats.of(v);
        assertThat(s.median()).isEqualTo(50);
        assertThat(s.p95()).isEqualTo(95);
        assertThat(s.p99()).isEqualTo(99);
        assertThat(s.max()).isEqualTo(100);
        assertThat(v).containsExactly(before);
    }

    @Test
    void shouldReturnNaNForAnEmptySample() {
        Stats s = Stats.of(new double[0]);
        assertThat(s.n()).isZero();
        assertThat(s.mean()).isNaN();
    }
}
