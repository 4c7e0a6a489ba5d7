package io.chainplan.ingest.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.chainplan.optimizer.arrival.Burstiness;
import io.chainplan.optimizer.arrival.Dispersion;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BurstinessEstimatorTest {
    private static final long FUZZ_SEED = 31337L;
    private static final BurstinessEstimator FIVE_SECONDS = DemandEstimatorSettings.defaults().burstinessEstimator();

    @Test
    void shouldRoundTheCoreWindowsUpToWholeBuckets() {
        assertThat(BurstinessEstimator.windowBuckets(5_000, Burstiness.WINDOWS_SECONDS)).containsExactly(1, 2, 12);
        assertThat(BurstinessEstimator.windowBuckets(1_000, Burstiness.WINDOWS_SECONDS)).containsExactly(1, 10, 60);
        assertThat(BurstinessEstimator.windowBuckets(3_000, Burstiness.WINDOWS_SECONDS)).containsExactly(1, 4, 20);
        assertThat(BurstinessEstimator.windowBuckets(20_000, Burstiness.WINDOWS_SECONDS)).as("duplicates dropped")
                .containsExactly(1, 3);
    }

    @Test
    void shouldMeasureTheIndexOfTheNewestWholeWindows() {
        // 25 buckets: 12-bucket windows use the newest 24, so the first (huge) bucket is left out.
        long[] counts = new long[25];
        counts[0] = 1_000;
        for (int i = 1; i < 25; i++) {
            counts[i] = i % 2 == 0 ? 4 : 2;
        }
        BurstinessEstimate b = FIVE_SECONDS.measure(counts);
        assertThat(b.dispersions()).extracting(Dispersion::windowSeconds).containsExactly(5.0, 10.0, 60.0);
        Dispersion sixty = b.dispersions().get(2);
        assertThat(sixty.windows()).isEqualTo(2);
        assertThat(sixty.index()).as("two equal windows of 36").isZero();
        assertThat(b.dispersions().get(1).index()).isEqualTo(Dispersion.ofCounts(slice(counts, 1), 5, 2).orElseThrow().index());
        assertThat(b.arrivals()).isEqualTo(1_000 + 12 * 4 + 12 * 2);
        assertThat(b.spanSeconds()).isEqualTo(125.0);
        assertThat(b.peakRatePerSecond()).isEqualTo(200.0);
    }

    private static long[] slice(long[] counts, int from) {
        return java.util.Arrays.copyOfRange(counts, from, counts.length);
    }

    @Test
    void shouldMeasureNothingWithoutTwoWindowsOrWithoutArrivals() {
        assertThat(FIVE_SECONDS.measure(new long[] {3}).dispersions()).isEmpty();
        assertThat(FIVE_SECONDS.measure(new long[] {3, 5, 4}).dispersions()).extracting(Dispersion::windowSeconds)
                .containsExactly(5.0);
        BurstinessEstimate silent = FIVE_SECONDS.measure(new long[120]);
        assertThat(silent.dispersions()).as("an index of no arrivals says nothing").isEmpty();
        assertThat(silent.spanSeconds()).isEqualTo(600.0);
        assertThat(FIVE_SECONDS.measure(new long[0])).isEqualTo(BurstinessEstimate.NONE);
    }

    @Test
    void shouldNeverProduceANegativeOrNonFiniteIndex() {
        SplittableRandom random = new SplittableRandom(FUZZ_SEED);
        for (int run = 0; run < 2_000; run++) {
            long[] counts = new long[random.nextInt(130)];
            for (int i = 0; i < counts.length; i++) {
                int kind = random.nextInt(4);
                counts[i] = kind == 0 ? 0 : kind == 1 ? random.nextLong(1L << 40) : random.nextInt(20);
            }
            BurstinessEstimate b = FIVE_SECONDS.measure(counts);
            assertThat(b.dispersions()).allSatisfy(d -> {
                assertThat(d.index()).isFinite().isGreaterThanOrEqualTo(0);
                assertThat(d.windows()).isGreaterThanOrEqualTo(2);
            });
            assertThat(b.peakRatePerSecond()).isFinite().isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void shouldRejectBadCountsAndWindows() {
        assertThatThrownBy(() -> FIVE_SECONDS.measure(new long[] {1, -1})).hasMessageContaining("must be >= 0");
        assertThatThrownBy(() -> new BurstinessEstimator(5, 0)).hasMessageContaining(">= 1 bucket");
        assertThatThrownBy(() -> new BurstinessEstimator(Double.NaN, 1)).hasMessageContaining("bucketSeconds");
        assertThatThrownBy(() -> BurstinessEstimator.windowBuckets(5_000, 0)).hasMessageContaining("window lengths");
    }

    @Test
    void shouldReadAboutOneForPoissonCounts() {
        long[] counts = new long[120];
        SplittableRandom random = new SplittableRandom(FUZZ_SEED);
        for (int i = 0; i < counts.length; i++) {
            counts[i] = BurstinessTrackerTest.poisson(random, 10);
        }
        for (Dispersion d : FIVE_SECONDS.measure(counts).dispersions()) {
            assertThat(d.index()).as("window %s", d.windowSeconds()).isCloseTo(1.0, within(3 * d.poissonStandardError()));
        }
    }
}
