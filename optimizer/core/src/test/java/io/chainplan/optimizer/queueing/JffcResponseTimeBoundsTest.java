package io.chainplan.optimizer.queueing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.chainplan.optimizer.model.Bounds;
import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Hop;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JffcResponseTimeBoundsTest {
    private static final double TOLERANCE = 1e-9;
    private static final long SEED_ORDER = 99L;

    private static Chain chain(double seconds, int capacity) {
        return new Chain(List.of(new Hop("s", 0, 1)), capacity, seconds);
    }

    /** Mean response time of M/M/c by the Erlang C formula, computed directly for small c. */
    private static double erlangC(int c, double mu, double lambda) {
        double a = lambda / mu;
        double rho = a / c;
        double sum = 0;
        double term = 1;
        for (int k = 0; k < c; k++) {
            sum += term;
            term *= a / (k + 1);
        }
        double last = term / (1 - rho);
        double pWait = last / (sum + last);
        return 1 / mu + pWait / (c * mu - lambda);
    }

    @Test
    void shouldEqualOneOverMuMinusLambdaForOneChainOfCapacityOne() {
        Bounds b = JffcResponseTimeBounds.bounds(List.of(chain(2.0, 1)), 0.3);

        assertThat(b.lowerSeconds()).isCloseTo(1 / (0.5 - 0.3), within(TOLERANCE));
        assertThat(b.upperSeconds()).isCloseTo(1 / (0.5 - 0.3), within(TOLERANCE));
    }

    @Test
    void shouldEqualErlangCForOneChain() {
        for (int c : new int[] {2, 5, 17, 60}) {
            double mu = 1 / 3.0;
            double lambda = 0.85 * c * mu;
            Bounds b = JffcResponseTimeBounds.bounds(List.of(chain(3.0, c)), lambda);
            assertThat(b.lowerSeconds()).isCloseTo(erlangC(c, mu, lambda), within(1e-9 * erlangC(c, mu, lambda)));
            assertThat(b.upperSeconds()).isCloseTo(b.lowerSeconds(), within(1e-9 * b.lowerSeconds()));
        }
    }

    @Test
    void shouldKeepLowerBelowUpperAndBothGrowWithLambda() {
        List<Chain> chains = List.of(chain(1.0, 3), chain(2.5, 4), chain(7.0, 10));
        double nu = 3 / 1.0 + 4 / 2.5 + 10 / 7.0;
        Bounds previous = JffcResponseTimeBounds.bounds(chains, 0.0);
        assertThat(previous.lowerSeconds()).isCloseTo(1.0, within(TOLERANCE));
        assertThat(previous.upperSeconds()).isCloseTo(7.0, within(TOLERANCE));
        for (int i = 1; i < 100; i++) {
            Bounds b = JffcResponseTimeBounds.bounds(chains, nu * i / 100.0);
            assertThat(b.lowerSeconds()).isLessThanOrEqualTo(b.upperSeconds());
            assertThat(b.lowerSeconds()).isGreaterThanOrEqualTo(previous.lowerSeconds() - TOLERANCE);
            if (i > 80) {
                assertThat(b.upperSeconds()).isGreaterThanOrEqualTo(previous.upperSeconds() - TOLERANCE);
            }
            previous = b;
        }
    }

    /**
     * With chains of different speeds the upper bound is U-shaped in lambda, not monotone: its
     * birth-death chain puts the first requests on the slowest chain (7 s here) and later ones on
     * faster chains, so more load lowers its mean until queueing dominates (here the minimum,
     * about 3.65 s, is near 75% load). A property of Theorem 4's nu_lo, not of the code.
     */
    @Test
    void shouldLetTheUpperBoundDipAtModerateLoadWithHeterogeneousChains() {
        List<Chain> chains = List.of(chain(1.0, 3), chain(2.5, 4), chain(7.0, 10));
        double nu = 3 / 1.0 + 4 / 2.5 + 10 / 7.0;

        assertThat(JffcResponseTimeBounds.bounds(chains, 0.75 * nu).upperSeconds()).isBetween(3.6, 3.7);
        assertThat(JffcResponseTimeBounds.bounds(chains, 0.95 * nu).upperSeconds()).isGreaterThan(5.0);
    }

    @Test
    void shouldGrowMonotonicallyWithLambdaForOneChain() {
        List<Chain> chains = List.of(chain(4.0, 7));
        double previous = 0;
        for (int i = 1; i < 100; i++) {
            Bounds b = JffcResponseTimeBounds.bounds(chains, 1.75 * i / 100.0);
            assertThat(b.upperSeconds()).isGreaterThanOrEqualTo(previous - TOLERANCE);
            previous = b.upperSeconds();
        }
    }

    @Test
    void shouldDivergeAsLambdaApproachesNu() {
        List<Chain> chains = List.of(chain(1.0, 2), chain(4.0, 3));
        double nu = 2 + 0.75;
        Bounds near = JffcResponseTimeBounds.bounds(chains, nu * (1 - 1e-6));

        assertThat(near.lowerSeconds()).isGreaterThan(1e5);
        assertThat(near.upperSeconds()).isGreaterThan(1e5);
        assertThat(JffcResponseTimeBounds.bounds(chains, nu)).isEqualTo(Bounds.UNBOUNDED);
        assertThat(JffcResponseTimeBounds.bounds(List.of(), 0.1)).isEqualTo(Bounds.UNBOUNDED);
    }

    @Test
    void shouldStayFiniteForTotalCapacityInTheThousands() {
        List<Chain> chains = new ArrayList<>();
        double nu = 0;
        for (int k = 0; k < 400; k++) {
            double t = 10 + k * 0.05;
            chains.add(chain(t, 25));
            nu += 25 / t;
        }
        Bounds b = JffcResponseTimeBounds.bounds(chains, 0.9 * nu);

        assertThat(b.isFinite()).isTrue();
        assertThat(b.lowerSeconds()).isBetween(10.0, 30.0);
        assertThat(b.upperSeconds()).isBetween(b.lowerSeconds(), 40.0);
    }

    @Test
    void shouldNotDependOnTheOrderOfTheChains() {
        List<Chain> chains = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(SEED_ORDER);
        for (int k = 0; k < 20; k++) {
            chains.add(chain(1 + rnd.nextDouble() * 5, 1 + rnd.nextInt(9)));
        }
        Bounds b = JffcResponseTimeBounds.bounds(chains, 2.0);
        java.util.Collections.reverse(chains);

        assertThat(JffcResponseTimeBounds.bounds(chains, 2.0)).isEqualTo(b);
    }

    @Test
    void shouldRejectNegativeArrivalRate() {
        assertThatThrownBy(() -> JffcResponseTimeBounds.bounds(List.of(chain(1, 1)), -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("arrivalRatePerSecond").hasMessageContaining("-1");
    }

    @Test
    void shouldCostWhatTheLoadNeedsNotWhatTheCapacityAllows() {
        // the states past a few hundred requests in system weigh exactly 0.0: the sum stops there, so
        // a chain that could hold 2^31 - 1 requests gives bit for bit the bounds of one holding 1000
        double[] rates = {1 / 1.6, 1 / 2.5};
        Bounds huge = JffcResponseTimeBounds.bounds(rates, new long[] {Integer.MAX_VALUE, Long.MAX_VALUE / 4}, 5.0);
        Bounds modest = JffcResponseTimeBounds.bounds(rates, new long[] {1000, 1000}, 5.0);

        assertThat(huge).isEqualTo(modest);
        assertThat(huge.isFinite()).isTrue();
    }
}
