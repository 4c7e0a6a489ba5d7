package io.chainplan.ingest.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.optimizer.model.TokenTimings;
import org.junit.jupiter.api.Test;

class TokenTimingsEstimatorTest {
    private static final long FIT_SEED = 1234L;
    private static final long COVERAGE_SEED = 5678L;
    private static final TokenRegression REGRESSION = new TokenRegression(50, 3);
    private static final TokenTimingsEstimator ESTIMATOR = new TokenTimingsEstimator(10, TimingPrior.defaults());
    private static final TokenTimings TRUE = TokenTimingsTestData.TRUE;
    private static final TokenMix DECLARED_MIX = new TokenMix(2000, 20);
    /** What the server declares: right for 2000 in / 20 out, but split by the paper's defaults, not its truth. */
    private static final double DECLARED_COMM = TRUE.commSeconds(20);
    private static final double DECLARED_COMPUTE = TRUE.perBlockSeconds(2000, 20);

    private static TokenTimingEstimate estimate(TokenFit[] f) {
        return ESTIMATOR.estimate(f[0], f[1], DECLARED_COMM, DECLARED_COMPUTE, DECLARED_MIX);
    }

    @Test
    void shouldFitTheCoefficientsOfAMixedWorkloadWithTheirUncertainty() {
        TokenTimingsTestData data = new TokenTimingsTestData(FIT_SEED, 0.1, 0.03, 4000, 400);
        TokenTimingEstimate e = estimate(TokenTimingsTestData.fit(REGRESSION, data, TRUE, 2000, TokenTimingsTestData.empty()));
        assertThat(e.present()).isTrue();
        assertThat(e.computeFitted()).isTrue();
        assertThat(e.commFitted()).isTrue();
        assertThat(e.computeSamples()).isEqualTo(2000);
        TokenTimings t = e.timings();
        TokenTimings se = e.standardErrors();
        assertThat(t.prefillSecondsPerToken()).isCloseTo(TRUE.prefillSecondsPerToken(), within(4 * se.prefillSecondsPerToken()));
        assertThat(t.decodeSecondsPerToken()).isCloseTo(TRUE.decodeSecondsPerToken(), within(4 * se.decodeSecondsPerToken()));
        assertThat(t.commSecondsPerToken()).isCloseTo(TRUE.commSecondsPerToken(), within(4 * se.commSecondsPerToken()));
        assertThat(se.decodeSecondsPerToken()).isPositive().isLessThan(0.1 * TRUE.decodeSecondsPerToken());
        // the reference mix is the recent requests': means of uniform 1..4000 and 1..400
        assertThat(e.referenceInputTokens()).isCloseTo(2000, within(400.0));
        assertThat(e.referenceOutputTokens()).isCloseTo(200, within(40.0));
        assertThat(e.perBlockSeconds()).isCloseTo(TRUE.perBlockSeconds(e.referenceInputTokens(), e.referenceOutputTokens()),
                within(0.05 * TRUE.perBlockSeconds(2000, 200)));
    }

    @Test
    void shouldGiveStandardErrorsThatCoverTheTruth() {
        TokenTimingsTestData data = new TokenTimingsTestData(COVERAGE_SEED, 0.1, 0, 4000, 400);
        int runs = 200;
        int[] covered = new int[3];
        for (int run = 0; run < runs; run++) {
            TokenTimingEstimate e = estimate(TokenTimingsTestData.fit(REGRESSION, data, TRUE, 300, TokenTimingsTestData.empty()));
            TokenTimings t = e.timings();
            TokenTimings se = e.standardErrors();
            covered[0] += Math.abs(t.prefillSecondsPerToken() - TRUE.prefillSecondsPerToken()) <= 2 * se.prefillSecondsPerToken() ? 1 : 0;
            covered[1] += Math.abs(t.decodeSecondsPerToken() - TRUE.decodeSecondsPerToken()) <= 2 * se.decodeSecondsPerToken() ? 1 : 0;
            covered[2] += Math.abs(t.commSecondsPerToken() - TRUE.commSecondsPerToken()) <= 2 * se.commSecondsPerToken() ? 1 : 0;
        }
        for (int c : covered) {
            // two standard errors: 95% nominal; the decay and Huber weights make it approximate
            assertThat(c / (double) runs).isBetween(0.88, 0.99);
        }
    }

    @Test
    void shouldFallBackToTheDeclaredSplitWithTooFewSamples() {
        TokenTimingsTestData data = new TokenTimingsTestData(FIT_SEED, 0.1, 0, 4000, 400);
        TokenTimingEstimate e = estimate(TokenTimingsTestData.fit(REGRESSION, data, TRUE, 9, TokenTimingsTestData.empty()));
        TokenTimings declared = TokenTimings.fromReference(new Server("d", 0, DECLARED_COMM, DECLARED_COMPUTE), 0.001, 2000, 20,
                TimingPrior.PAPER_PREFILL_SHARE);
        assertThat(e.present()).isTrue();
        assertThat(e.timings()).isEqualTo(declared);
        assertThat(e.standardErrors()).isEqualTo(new TokenTimings(0, 0, 0, 0, 0));
        assertThat(e.computeFallback()).isEqualTo(TokenTimingEstimate.TOO_FEW_SAMPLES);
        assertThat(e.commFallback()).isEqualTo(TokenTimingEstimate.TOO_FEW_SAMPLES);
        assertThat(e.computeSamples()).isZero();
        assertThat(e.referenceInputTokens()).isEqualTo(2000);
        assertThat(e.perBlockSeconds()).as("the declared value at the declared mix").isCloseTo(DECLARED_COMPUTE, within(1e-12));
        assertThat(e.commSeconds()).isCloseTo(DECLARED_COMM, within(1e-12));
    }

    @Test
    void shouldHaveNoCoefficientsWithoutAFitOrADeclaredFallback() {
        TokenFit[] none = TokenTimingsTestData.empty();
        TokenTimingEstimate e = ESTIMATOR.estimate(none[0], none[1], Double.NaN, Double.NaN, DECLARED_MIX);
        assertThat(e.present()).isFalse();
        assertThat(e.computeFallback()).isEqualTo(TokenTimingEstimate.TOO_FEW_SAMPLES);
        TokenTimingEstimate noMix = ESTIMATOR.estimate(none[0], none[1], DECLARED_COMM, DECLARED_COMPUTE, TokenMix.UNKNOWN);
        assertThat(noMix.present()).as("declared timings without a declared mix cannot be split").isFalse();
        assertThat(ESTIMATOR.estimate(none[0], none[1], DECLARED_COMM, DECLARED_COMPUTE, new TokenMix(2000, 1)).present())
                .as("one output token: no decode to split off").isFalse();
    }

    @Test
    void shouldLetThePriorDecideWhatRequestsOfOneSizeCannot() {
        // every request 1000 in / 50 out: the hops determine tau at that size only
        TokenTimingsTestData data = new TokenTimingsTestData(FIT_SEED, 0.05, 0, 1, 1);
        TokenFit compute = TokenFit.empty(3);
        TokenFit comm = TokenFit.empty(2);
        TokenTimings slower = new TokenTimings(0.002, 2 * TRUE.prefillSecondsPerToken(), 2 * TRUE.decodeSecondsPerToken(), 0.03, 0.03);
        for (int i = 0; i < 200; i++) {
            TokenTimingsTestData.Hop h = data.next(slower);
            double noise = h.perBlockSeconds() / slower.perBlockSeconds(1, 1);
            compute = REGRESSION.add(compute, new double[] {1, 1000, 49}, slower.perBlockSeconds(1000, 50) * noise);
            comm = REGRESSION.add(comm, new double[] {1, 49}, slower.commSeconds(50) * noise);
        }
        TokenTimingEstimate e = ESTIMATOR.estimate(compute, comm, DECLARED_COMM, DECLARED_COMPUTE, DECLARED_MIX);
        assertThat(e.computeFitted()).isTrue();
        assertThat(e.perBlockSeconds()).as("tau where the hops are").isCloseTo(slower.perBlockSeconds(1000, 50),
                within(0.03 * slower.perBlockSeconds(1000, 50)));
        assertThat(e.commSeconds()).isCloseTo(slower.commSeconds(50), within(0.03 * slower.commSeconds(50)));
        TokenTimingEstimate withoutPrior = ESTIMATOR.estimate(compute, comm, Double.NaN, Double.NaN, DECLARED_MIX);
        assertThat(withoutPrior.present()).isFalse();
        assertThat(withoutPrior.computeFallback()).isEqualTo(TokenTimingEstimate.UNIDENTIFIABLE);
    }

    @Test
    void shouldFallBackWhenTheTimingsImplyNegativeCoefficients() {
        // network time that falls steeply with the output tokens: c_tok < 0 far beyond the noise
        TokenTimingsTestData data = new TokenTimingsTestData(FIT_SEED, 0.02, 0, 4000, 400);
        TokenFit compute = TokenFit.empty(3);
        TokenFit comm = TokenFit.empty(2);
        for (int i = 0; i < 300; i++) {
            TokenTimingsTestData.Hop h = data.next(TRUE);
            compute = REGRESSION.add(compute, new double[] {1, h.inputTokens(), h.outputTokens() - 1}, h.perBlockSeconds());
            comm = REGRESSION.add(comm, new double[] {1, h.outputTokens() - 1}, Math.max(0, 10 - 0.02 * h.outputTokens()));
        }
        TokenTimingEstimate e = ESTIMATOR.estimate(compute, comm, DECLARED_COMM, DECLARED_COMPUTE, DECLARED_MIX);
        assertThat(e.commFallback()).isEqualTo(TokenTimingEstimate.NEGATIVE_COEFFICIENTS);
        assertThat(e.commSamples()).isZero();
        assertThat(e.computeFitted()).as("the other part is unaffected").isTrue();
        assertThat(e.timings().commSecondsPerToken()).isPositive();
    }

    @Test
    void shouldClampACoefficientThatIsZeroUpToNoise() {
        // no per-block overhead at all: the fitted t_o scatters around 0 and is clamped, never negative
        TokenTimings noOverhead = new TokenTimings(0, TRUE.prefillSecondsPerToken(), TRUE.decodeSecondsPerToken(), 0, 0.02);
        TokenTimingsTestData data = new TokenTimingsTestData(COVERAGE_SEED, 0.1, 0, 4000, 400);
        for (int run = 0; run < 50; run++) {
            TokenTimingEstimate e = estimate(TokenTimingsTestData.fit(REGRESSION, data, noOverhead, 200, TokenTimingsTestData.empty()));
            assertThat(e.computeFitted()).as("run %d", run).isTrue();
            assertThat(e.timings().blockOverheadSeconds()).isGreaterThanOrEqualTo(0);
            assertThat(e.timings().commSecondsPerRequest()).isGreaterThanOrEqualTo(0);
        }
    }
}
