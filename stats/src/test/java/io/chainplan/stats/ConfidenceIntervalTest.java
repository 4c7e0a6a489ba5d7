package io.chainplan.stats;

import static io.chainplan.stats.ConfidenceInterval.CONFIDENCE_95;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConfidenceIntervalTest {
    private static final long SEED = 7L;
    private static final double TOLERANCE = 1e-9;
    /** The printed table of t_{0.975, df}, df = 1..30, that the code used before (3 decimals). */
    private static final double[] T975_TABLE = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042};

    @Test
    void shouldGiveTheStudentTIntervalOfAWorkedExample() {
        // 1..5: mean 3, s = sqrt(2.5), t_{0.975,4} = 2.7764451
        ConfidenceInterval ci = ConfidenceInterval.ofMean(new double[] {1, 2, 3, 4, 5}, CONFIDENCE_95);
        assertThat(ci.mean()).isCloseTo(3, within(TOLERANCE));
        assertThat(ci.halfWidth()).isCloseTo(2.7764451052 * Math.sqrt(2.5 / 5), within(1e-8));
        assertThat(ci.lower()).isCloseTo(3 - ci.halfWidth(), within(TOLERANCE));
        assertThat(ci.upper()).isCloseTo(3 + ci.halfWidth(), within(TOLERANCE));
    }

    @Test
    void shouldReproduceThePrintedTTableToItsThreeDecimals() {
        for (int df = 1; df <= T975_TABLE.length; df++) {
            // n values, one 1 and the rest 0: s / sqrt(n) = 1 / n, so n * halfWidth is the t quantile
            int n = df + 1;
            double[] v = new double[n];
            v[0] = 1;
            double t = n * ConfidenceInterval.ofMean(v, CONFIDENCE_95).halfWidth();
            assertThat(t).as("df=%d", df).isCloseTo(T975_TABLE[df - 1], within(5e-4));
        }
    }

    @Test
    void shouldLeaveTheHalfWidthUndefinedBelowTwoValues() {
        ConfidenceInterval one = ConfidenceInterval.ofMean(new double[] {4}, CONFIDENCE_95);
        assertThat(one.mean()).isEqualTo(4);
        assertThat(one.halfWidth()).isNaN();
        ConfidenceInterval none = ConfidenceInterval.ofMean(new double[0], CONFIDENCE_95);
        assertThat(none.mean()).isNaN();
        assertThat(none.halfWidth()).isNaN();
    }

    @Test
    void shouldComputeBatchMeansOverRunsOfConsecutiveValues() {
        // 20 values in 10 batches of 2: batch means 0.5, 2.5, ..., 18.5 (the values 0..19)
        double[] v = new double[20];
        double[] batchMeans = new double[10];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        for (int b = 0; b < batchMeans.length; b++) {
            batchMeans[b] = 2 * b + 0.5;
        }
        ConfidenceInterval ci = ConfidenceInterval.ofBatchMeans(v, 10, CONFIDENCE_95);
        assertThat(ci.mean()).isCloseTo(9.5, within(TOLERANCE));
        assertThat(ci.halfWidth()).isCloseTo(ConfidenceInterval.ofMean(batchMeans, CONFIDENCE_95).halfWidth(),
                within(TOLERANCE));
    }

    @Test
    void shouldWidenTheIntervalForPositivelyCorrelatedValues() {
        SplittableRandom r = new SplittableRandom(SEED);
        double[] ar = new double[20_000];
        double x = 0;
        for (int i = 0; i < ar.length; i++) {
            x = 0.95 * x + r.nextGaussian();
            ar[i] = x;
        }
        double naive = ConfidenceInterval.ofMean(ar, CONFIDENCE_95).halfWidth();
        ConfidenceInterval batched = ConfidenceInterval.ofBatchMeans(ar, 10, CONFIDENCE_95);
        assertThat(batched.halfWidth()).isGreaterThan(3 * naive);
        assertThat(batched.lower()).isLessThanOrEqualTo(0);
        assertThat(batched.upper()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void shouldFallBackToTheValuesBelowTwoPerBatch() {
        double[] v = {1, 2, 3, 4, 5};
        assertThat(ConfidenceInterval.ofBatchMeans(v, 10, CONFIDENCE_95))
                .isEqualTo(ConfidenceInterval.ofMean(v, CONFIDENCE_95));
    }

    @Test
    void shouldRejectBadArguments() {
        assertThatThrownBy(() -> ConfidenceInterval.ofMean(new double[] {1, 2}, 1.0))
                .hasMessageContaining("confidence must be in (0, 1), was 1.0");
        assertThatThrownBy(() -> ConfidenceInterval.ofBatchMeans(new double[] {1, 2}, 1, CONFIDENCE_95))
                .hasMessageContaining("batches must be >= 2, was 1");
        assertThatThrownBy(() -> new ConfidenceInterval(1, -1)).hasMessageContaining("halfWidth must be >= 0");
    }
}
