package io.chainplan.ingest.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HopTimingTrackerTest {
    private static final long HOP_SEED = 9001L;
    private static final HopTimingTracker TRACKER = new HopTimingTracker(RobustMeanEstimator.defaults(),
            new TokenRegression(50, 3), EmissionRule.defaults(), 10);

    @Test
    void shouldLearnPerBlockComputeAndPerRequestNetworkTimeFromNoisyHopsWithOutliers() {
        SplittableRandom random = new SplittableRandom(HOP_SEED);
        ServerTiming t = ServerTiming.EMPTY;
        double tauP = 0.175;
        double tauC = 0.04;
        for (int i = 0; i < 1500; i++) {
            int blocks = 5 + random.nextInt(20);
            double compute = tauP * blocks * (1 + 0.1 * random.nextGaussian());
            double network = tauC * (1 + 0.2 * random.nextGaussian());
            if (random.nextDouble() < 0.03) {
                network = 5.0; // a retransmission storm
            }
            if (random.nextDouble() < 0.03) {
                compute = 100.0; // a straggler
            }
            t = TRACKER.add(t, blocks, compute, Math.max(0, network), 0, 0, 1_000L * i);
        }
        TimingSummary s = t.summary();
        assertThat(s.computeSeconds()).isCloseTo(tauP, within(0.05 * tauP));
        assertThat(s.commSeconds()).isCloseTo(tauC, within(0.08 * tauC));
        assertThat(s.computeSamples()).isEqualTo(1500);
        assertThat(s.atMillis()).isEqualTo(1_499_000L);
    }

    @Test
    void shouldPublishFirstSampleThenOnlyOnMaterialChangeThresholdOrHeartbeat() {
        ServerTiming t = TRACKER.add(ServerTiming.EMPTY, 10, 1.0, 0.05, 0, 0, 0);
        assertThat(TRACKER.toEmit(ServerTiming.EMPTY)).isEmpty();
        TimingSummary first = TRACKER.toEmit(t).orElseThrow();
        t = TRACKER.emitted(t, first);
        for (int i = 1; i < 9; i++) {
            t = TRACKER.add(t, 10, 1.0, 0.05, 0, 0, i * 100L);
            assertThat(TRACKER.toEmit(t)).as("sample %d", i).isEmpty();
        }
        t = TRACKER.add(t, 10, 1.0, 0.05, 0, 0, 900);
        assertThat(TRACKER.toEmit(t)).as("tenth sample reaches minSamples").isPresent();
        t = TRACKER.emitted(t, TRACKER.toEmit(t).orElseThrow());
        t = TRACKER.add(t, 10, 1.0, 0.05, 0, 0, 60_900);
        assertThat(TRACKER.toEmit(t)).as("heartbeat").isPresent();
    }

    @Test
    void shouldFitOnlyHopsWhoseRequestsReportTheirTokens() {
        ServerTiming t = ServerTiming.EMPTY;
        t = TRACKER.add(t, 10, 1.0, 0.05, 0, 0, 0);
        assertThat(t.computeFit().samples()).isZero();
        assertThat(t.commFit().samples()).isZero();
        t = TRACKER.add(t, 10, 1.0, 0.05, 0, 20, 1);
        assertThat(t.computeFit().samples()).as("no prompt count: compute is not fitted").isZero();
        assertThat(t.commFit().samples()).isEqualTo(1);
        t = TRACKER.add(t, 10, 1.0, 0.05, 500, 20, 2);
        assertThat(t.computeFit().samples()).isEqualTo(1);
        assertThat(t.computeFit().meanResponse()).as("per block").isCloseTo(0.1, within(1e-12));
        assertThat(t.compute().samples()).as("the robust means take every hop").isEqualTo(3);
        assertThat(HopTimingTracker.fitsCompute(500, 0)).isFalse();
        assertThat(HopTimingTracker.fitsComm(1)).isTrue();
    }

    @Test
    void shouldPublishWhenAFitFirstHasEnoughSamplesOrItsValueMoves() {
        ServerTiming t = ServerTiming.EMPTY;
        for (int i = 0; i < 10; i++) {
            t = TRACKER.add(t, 10, 1.0, 0.05, 0, 0, i);
        }
        t = TRACKER.emitted(t, TRACKER.toEmit(t).orElseThrow());
        for (int i = 0; i < 9; i++) {
            t = TRACKER.add(t, 10, 1.0, 0.05, 100 + i, 20, 10 + i);
            assertThat(TRACKER.toEmit(t)).as("fit sample %d", i).isEmpty();
        }
        t = TRACKER.add(t, 10, 1.0, 0.05, 100, 20, 19);
        assertThat(TRACKER.toEmit(t)).as("the fits reach minSamples").isPresent();
        t = TRACKER.emitted(t, TRACKER.toEmit(t).orElseThrow());
        t = TRACKER.add(t, 10, 1.0, 0.05, 100, 20, 20);
        assertThat(TRACKER.toEmit(t)).isEmpty();
        int published = 0;
        for (int i = 0; i < 40 && published == 0; i++) {
            t = TRACKER.add(t, 10, 1.0, 0.075 * (i % 2 == 0 ? 0.98 : 1.02), 100, 20, 21 + i);
            published += TRACKER.toEmit(t).isPresent() ? 1 : 0;
        }
        assertThat(published).as("the network got 50% slower").isPositive();
        assertThat(t.commFit().meanResponse()).isGreaterThan(0.0525);
    }

    @Test
    void shouldRejectHopsWithoutBlocksOrWithNegativeTimes() {
        assertThatThrownBy(() -> TRACKER.add(ServerTiming.EMPTY, 0, 1, 1, 0, 0, 0)).hasMessageContaining("blocks must be >= 1, was 0");
        assertThatThrownBy(() -> TRACKER.add(ServerTiming.EMPTY, 1, -1, 1, 0, 0, 0)).hasMessageContaining("computeSeconds");
        assertThatThrownBy(() -> TRACKER.add(ServerTiming.EMPTY, 1, 1, Double.NaN, 0, 0, 0)).hasMessageContaining("networkSeconds");
        assertThatThrownBy(() -> TRACKER.add(ServerTiming.EMPTY, 1, 1, 1, -1, 5, 0)).hasMessageContaining("token counts");
    }
}
