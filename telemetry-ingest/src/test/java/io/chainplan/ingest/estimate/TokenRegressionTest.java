package io.chainplan.ingest.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.chainplan.optimizer.model.TokenTimings;
import org.junit.jupiter.api.Test;

class TokenRegressionTest {
    private static final long NOISY_SEED = 4711L;
    private static final long WARMUP_SEED = 99L;
    private static final long SHIFT_SEED = 2718L;
    private static final TokenRegression REGRESSION = new TokenRegression(50, 3);
    private static final TokenTimings TRUE = TokenTimingsTestData.TRUE;

    @Test
    void shouldRecoverKnownCoefficientsFromNoisyHopsWithOutliers() {
        TokenTimingsTestData data = new TokenTimingsTestData(NOISY_SEED, 0.1, 0.03, 4000, 400);
        TokenFit[] f = TokenTimingsTestData.fit(REGRESSION, data, TRUE, 3000, TokenTimingsTestData.empty());
        double[] compute = REGRESSION.coefficients(f[0]);
        double[] comm = REGRESSION.coefficients(f[1]);
        // the fit rests on about the last 50 hops: a few percent on the well-determined coefficients
        assertThat(compute[1]).isCloseTo(TRUE.prefillSecondsPerToken(), within(0.15 * TRUE.prefillSecondsPerToken()));
        assertThat(compute[2]).isCloseTo(TRUE.decodeSecondsPerToken(), within(0.1 * TRUE.decodeSecondsPerToken()));
        assertThat(comm[0]).isCloseTo(TRUE.commSecondsPerRequest(), within(0.5 * TRUE.commSecondsPerRequest()));
        assertThat(comm[1]).isCloseTo(TRUE.commSecondsPerToken(), within(0.1 * TRUE.commSecondsPerToken()));
        // tau at a mid-sized request, which is what plans use
        double tauP = compute[0] + compute[1] * 2000 + compute[2] * 199;
        assertThat(tauP).isCloseTo(TRUE.perBlockSeconds(2000, 200), within(0.05 * TRUE.perBlockSeconds(2000, 200)));
        assertThat(f[0].samples()).isEqualTo(3000);
    }

    @Test
    void shouldKeepBoundedMemoryWhateverTheNumberOfSamples() {
        TokenTimingsTestData data = new TokenTimingsTestData(NOISY_SEED, 0.1, 0.03, 4000, 400);
        TokenFit[] f = TokenTimingsTestData.fit(REGRESSION, data, TRUE, 5, TokenTimingsTestData.empty());
        assertThat(f[0].warmup()).as("warming up: the samples are kept").hasSize(5 * 4);
        f = TokenTimingsTestData.fit(REGRESSION, data, TRUE, 10_000, f);
        assertThat(f[0].warmup()).isEmpty();
        assertThat(f[0].sums()).hasSize(6 + 3 + 2);
        assertThat(f[1].sums()).hasSize(3 + 2 + 2);
        assertThat(f[0].weight()).as("the decayed weight stays within the window").isLessThan(26);
    }

    @Test
    void shouldNotLetAnOutlierAmongTheFirstSamplesSeedTheFit() {
        TokenTimingsTestData data = new TokenTimingsTestData(WARMUP_SEED, 0.05, 0, 4000, 400);
        TokenFit compute = TokenFit.empty(3);
        for (int i = 0; i < TokenRegression.warmupSamples(3); i++) {
            TokenTimingsTestData.Hop h = data.next(TRUE);
            double y = i == 2 ? 50 * h.perBlockSeconds() : h.perBlockSeconds();
            compute = REGRESSION.add(compute, new double[] {1, h.inputTokens(), h.outputTokens() - 1}, y);
        }
        double[] theta = REGRESSION.coefficients(compute);
        double tauP = theta[0] + theta[1] * 2000 + theta[2] * 199;
        assertThat(tauP).isCloseTo(TRUE.perBlockSeconds(2000, 200), within(0.2 * TRUE.perBlockSeconds(2000, 200)));
        assertThat(compute.scale()).isFinite();
    }

    @Test
    void shouldFollowAChangeOfTheServersSpeed() {
        TokenTimingsTestData data = new TokenTimingsTestData(SHIFT_SEED, 0.1, 0.03, 4000, 400);
        TokenFit[] f = TokenTimingsTestData.fit(REGRESSION, data, TRUE, 500, TokenTimingsTestData.empty());
        TokenTimings slower = new TokenTimings(0.002, 2 * TRUE.prefillSecondsPerToken(), 2 * TRUE.decodeSecondsPerToken(), 0.04,
                0.04);
        f = TokenTimingsTestData.fit(REGRESSION, data, slower, 300, f);
        double[] compute = REGRESSION.coefficients(f[0]);
        assertThat(compute[0] + compute[1] * 2000 + compute[2] * 199)
                .isCloseTo(slower.perBlockSeconds(2000, 200), within(0.05 * slower.perBlockSeconds(2000, 200)));
    }

    @Test
    void shouldRejectBadSamplesNamingThem() {
        TokenFit f = TokenFit.empty(2);
        assertThatThrownBy(() -> REGRESSION.add(f, new double[] {1, 2, 3}, 1)).hasMessageContaining("2 regressors");
        assertThatThrownBy(() -> REGRESSION.add(f, new double[] {0, 2}, 1)).hasMessageContaining("the first 1");
        assertThatThrownBy(() -> REGRESSION.add(f, new double[] {1, -2}, 1)).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> REGRESSION.add(f, new double[] {1, 2}, Double.NaN)).hasMessageContaining("y must be");
        assertThatThrownBy(() -> new TokenRegression(0, 3)).hasMessageContaining("windowSamples");
        assertThatThrownBy(() -> TokenFit.empty(4)).hasMessageContaining("2 or 3");
    }
}
