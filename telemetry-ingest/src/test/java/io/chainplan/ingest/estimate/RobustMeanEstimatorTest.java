package io.chainplan.ingest.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RobustMeanEstimatorTest {
    private static final long NOISE_SEED = 31337L;
    private static final RobustMeanEstimator ESTIMATOR = RobustMeanEstimator.defaults();

    @Test
    void shouldConvergeToTheTrueValueWithNoisySamplesAndIgnoreOutliers() {
        SplittableRandom random = new SplittableRandom(NOISE_SEED);
        double truth = 0.109;
        RobustMean m = RobustMean.EMPTY;
        double plainSum = 0;
        int n = 2000;
        for (int i = 0; i < n; i++) {
            double x = truth * (1 + 0.1 * random.nextGaussian());
            if (random.nextDouble() < 0.05) {
                x = truth * (10 + 40 * random.nextDouble()); // stragglers: 10x to 50x
            }
            plainSum += x;
            m = ESTIMATOR.add(m, x);
        }
        assertThat(plainSum / n).as("the plain mean is ruined").isGreaterThan(2 * truth);
        assertThat(m.mean()).isCloseTo(truth, within(0.04 * truth));
        assertThat(m.samples()).isEqualTo(n);
    }

    @Test
    void shouldStartFromTheMedianSoAnEarlyOutlierDoesNotMatter() {
        RobustMean m = RobustMean.EMPTY;
        for (double x : new double[] {50.0, 1.0, 1.01, 0.99, 1.0}) {
            m = ESTIMATOR.add(m, x);
        }
        assertThat(m.mean()).isCloseTo(1.0, within(0.011));
        assertThat(m.warmup()).isEmpty();
    }

    @Test
    void shouldFollowAGenuineShift() {
        SplittableRandom random = new SplittableRandom(NOISE_SEED + 1);
        RobustMean m = RobustMean.EMPTY;
        for (int i = 0; i < 300; i++) {
            m = ESTIMATOR.add(m, 0.1 * (1 + 0.05 * random.nextGaussian()));
        }
        for (int i = 0; i < 300; i++) {
            m = ESTIMATOR.add(m, 0.2 * (1 + 0.05 * random.nextGaussian()));
        }
        assertThat(m.mean()).isCloseTo(0.2, within(0.01));
    }

    @Test
    void shouldNotFreezeOnIdenticalSamplesIncludingZero() {
        RobustMean m = RobustMean.EMPTY;
        for (int i = 0; i < 20; i++) {
            m = ESTIMATOR.add(m, 0.0);
        }
        for (int i = 0; i < 400; i++) {
            m = ESTIMATOR.add(m, 0.05);
        }
        assertThat(m.mean()).isCloseTo(0.05, within(0.001));
    }

    @Test
    void shouldRejectNonFiniteSamplesAndBadTuning() {
        assertThatThrownBy(() -> ESTIMATOR.add(RobustMean.EMPTY, Double.NaN)).hasMessageContaining("sample must be finite");
        assertThatThrownBy(() -> new RobustMeanEstimator(0, 5, 3)).hasMessageContaining("windowSamples must be >= 1, was 0");
    }
}
