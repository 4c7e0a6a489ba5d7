package io.chainplan.optimizer.queueing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.chainplan.optimizer.arrival.ArrivalModel;
import io.chainplan.optimizer.model.Bounds;
import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Hop;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MmppJffcResponseTimeTest {
    private static final double TOLERANCE = 1e-6;

    private static Chain chain(int capacity, double seconds) {
        return new Chain(List.of(new Hop("s" + capacity + "-" + seconds, 0, 4)), capacity, seconds);
    }

    private static final List<Chain> CHAINS = List.of(chain(3, 2.0), chain(2, 3.0), chain(4, 5.0));

    @Test
    void shouldBeThePapersBoundsForPoissonArrivals() {
        double lambda = 1.2;
        Bounds paper = JffcResponseTimeBounds.bounds(CHAINS, lambda);
        assertThat(MmppJffcResponseTime.bounds(CHAINS, new ArrivalModel.Poisson(lambda))).isEqualTo(paper);
        // an MMPP whose phases barely differ goes through the QBD and lands on the same numbers
        ArrivalModel almost = new ArrivalModel.Mmpp2(lambda * (1 + 1e-9), lambda, 0.3, 0.7);
        Bounds b = MmppJffcResponseTime.bounds(CHAINS, almost);
        assertThat(b.lowerSeconds()).isCloseTo(paper.lowerSeconds(), within(TOLERANCE));
        assertThat(b.upperSeconds()).isCloseTo(paper.upperSeconds(), within(TOLERANCE));
    }

    @Test
    void shouldMatchABruteForceSolutionOfTheTruncatedChain() {
        ArrivalModel.Mmpp2 m = new ArrivalModel.Mmpp2(4.0, 0.2, 0.5, 0.25);
        double[] d = deathRates(CHAINS);
        double expected = bruteForce(d, m, 3000) / m.ratePerSecond();
        assertThat(MmppJffcResponseTime.bounds(CHAINS, m).lowerSeconds()).isCloseTo(expected, within(1e-6 * expected));
    }

    @Test
    void shouldGrowWithBurstinessAtTheSameMeanRate() {
        double lambda = 1.2;
        double poisson = MmppJffcResponseTime.bounds(CHAINS, new ArrivalModel.Poisson(lambda)).lowerSeconds();
        double previous = poisson;
        for (double burstFraction : new double[] {0.5, 0.25, 0.1}) {
            double g = 0.05;
            ArrivalModel.Mmpp2 m = new ArrivalModel.Mmpp2(lambda / burstFraction, 0, (1 - burstFraction) * g,
                    burstFraction * g);
            assertThat(m.ratePerSecond()).isCloseTo(lambda, within(1e-12));
            double t = MmppJffcResponseTime.bounds(CHAINS, m).lowerSeconds();
            assertThat(t).as("burst fraction %s", burstFraction).isGreaterThan(previous);
            previous = t;
        }
    }

    @Test
    void shouldBeUnboundedWhenTheMeanRateReachesTheServiceRate() {
        double nu = 3 / 2.0 + 2 / 3.0 + 4 / 5.0;
        assertThat(MmppJffcResponseTime.bounds(CHAINS, new ArrivalModel.Mmpp2(2 * nu, 0, 1, 1))).isEqualTo(Bounds.UNBOUNDED);
        assertThat(MmppJffcResponseTime.bounds(List.of(), new ArrivalModel.Mmpp2(1, 0, 1, 1))).isEqualTo(Bounds.UNBOUNDED);
    }

    @Test
    void shouldStayFiniteNearSaturation() {
        // found on a paper fleet: a burst process whose mean rate is 99.8% of nu
        List<Chain> two = List.of(chain(16, 20.0), chain(8, 30.0));
        double nu = 16 / 20.0 + 8 / 30.0;
        double burstFraction = 0.164;
        ArrivalModel.Mmpp2 m = new ArrivalModel.Mmpp2(0.998 * nu / burstFraction, 0, 0.105, 0.0206);
        Bounds b = MmppJffcResponseTime.bounds(two, m.withRate(0.998 * nu));
        assertThat(b.isFinite()).isTrue();
        assertThat(b.lowerSeconds()).isGreaterThan(20.0);
    }

    @Test
    void shouldHandleThousandsOfSlots() {
        List<Chain> many = new ArrayList<>();
        for (int k = 0; k < 50; k++) {
            many.add(chain(100, 10 + k));
        }
        double nu = many.stream().mapToDouble(c -> c.capacity() / c.serviceSeconds()).sum();
        ArrivalModel.Mmpp2 m = new ArrivalModel.Mmpp2(1.5 * nu, 0.1 * nu, 0.01, 0.01);
        Bounds b = MmppJffcResponseTime.bounds(many, m);
        assertThat(b.isFinite()).isTrue();
        assertThat(b.lowerSeconds()).isGreaterThan(10.0).isLessThanOrEqualTo(b.upperSeconds());
    }

    @Test
    void shouldCostWhatTheLoadNeedsNotWhatTheCapacityAllows() {
        // a server offering cache for 2^31 - 1 requests: only the first few hundred levels carry mass
        ArrivalModel.Mmpp2 m = new ArrivalModel.Mmpp2(12.0, 1.0, 0.2, 0.1);
        Chain[] huge = {chain(Integer.MAX_VALUE, 1.6), chain(5, 2.5)};
        long levels = MmppJffcResponseTime.levelsWithMass(huge, false, m.burstRatePerSecond(), Integer.MAX_VALUE + 5L);
        Bounds b = MmppJffcResponseTime.bounds(List.of(huge), m);
        Bounds modest = MmppJffcResponseTime.bounds(List.of(chain(50_000, 1.6), chain(5, 2.5)), m);

        assertThat(levels).isLessThan(2_000);
        assertThat(b.isFinite()).isTrue();
        assertThat(b.lowerSeconds()).isCloseTo(modest.lowerSeconds(), within(1e-12 * modest.lowerSeconds()));
        assertThat(b.upperSeconds()).isCloseTo(modest.upperSeconds(), within(1e-12 * modest.upperSeconds()));
    }

    @Test
    void shouldSolveTheLevelsWithMassAsTheFullChainDoes() {
        // truncated at the levels with mass (about 150 of 2000) versus the same QBD solved level by level
        ArrivalModel.Mmpp2 m = new ArrivalModel.Mmpp2(6.0, 0.5, 0.3, 0.2);
        List<Chain> chains = List.of(chain(1000, 2.0), chain(1000, 3.0));
        long levels = MmppJffcResponseTime.levelsWithMass(chains.toArray(new Chain[0]), false, 6.0, 2000);
        double expected = bruteForce(deathRates(chains), m, 2500) / m.ratePerSecond();

        assertThat(levels).isLessThan(500);
        assertThat(MmppJffcResponseTime.bounds(chains, m).lowerSeconds()).isCloseTo(expected, within(1e-6 * expected));
    }

    /** Fastest-first death rates d[0..C]. */
    private static double[] deathRates(List<Chain> chains) {
        List<Chain> sorted = new ArrayList<>(chains);
        sorted.sort((a, b) -> Double.compare(a.serviceSeconds(), b.serviceSeconds()));
        int total = sorted.stream().mapToInt(Chain::capacity).sum();
        double[] d = new double[total + 1];
        int n = 0;
        double filled = 0;
        for (Chain c : sorted) {
            for (int i = 1; i <= c.capacity(); i++) {
                d[++n] = filled + i / c.serviceSeconds();
            }
            filled += c.capacity() / c.serviceSeconds();
        }
        return d;
    }

    /** Mean number in system of the CTMC truncated at {@code levels}, by Gauss-Seidel on pi Q = 0. */
    private static double bruteForce(double[] d, ArrivalModel.Mmpp2 m, int levels) {
        double nu = d[d.length - 1];
        double[] lam = {m.burstRatePerSecond(), m.calmRatePerSecond()};
        double[] q = {m.burstEndsPerSecond(), m.burstStartsPerSecond()};
        double[][] pi = new double[levels + 1][2];
        for (double[] row : pi) {
            row[0] = 1;
            row[1] = 1;
        }
        for (int sweep = 0; sweep < 20_000; sweep++) {
            for (int n = 0; n <= levels; n++) {
                double death = n < d.length ? d[n] : nu;
                for (int ph = 0; ph < 2; ph++) {
                    double out = (n < levels ? lam[ph] : 0) + q[ph] + death;
                    double in = pi[n][1 - ph] * q[1 - ph];
                    if (n > 0) {
                        in += pi[n - 1][ph] * lam[ph];
                    }
                    if (n < levels) {
                        double up = n + 1 < d.length ? d[n + 1] : nu;
                        in += pi[n + 1][ph] * up;
                    }
                    pi[n][ph] = in / out;
                }
            }
        }
        double mass = 0;
        double first = 0;
        for (int n = 0; n <= levels; n++) {
            mass += pi[n][0] + pi[n][1];
            first += n * (pi[n][0] + pi[n][1]);
        }
        return first / mass;
    }
}
