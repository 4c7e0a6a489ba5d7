package io.chainplan.optimizer.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.optimizer.arrival.ArrivalModel;
import io.chainplan.optimizer.model.Bounds;
import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.optimizer.queueing.JffcResponseTimeBounds;
import io.chainplan.optimizer.queueing.MmppJffcResponseTime;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.router.policy.DispatchPolicies;
import io.chainplan.router.policy.DispatchPolicy;
import io.chainplan.router.policy.JffcDispatchPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class SimulatorTest {
    private static final long SEED = 20260414L;
    private static final double TOLERANCE = 0.02;
    private static final ExponentialServiceModel EXPONENTIAL = new ExponentialServiceModel();

    /** Heterogeneous chains: service times 1..6 s, capacities 5,3,4,2,6,1. */
    private static List<Chain> heterogeneousChains() {
        double[] t = {1.0, 1.5, 2.0, 3.0, 4.5, 6.0};
        int[] c = {5, 3, 4, 2, 6, 1};
        List<Chain> chains = new ArrayList<>();
        for (int k = 0; k < t.length; k++) {
            chains.add(new Chain(List.of(new Hop("s" + k, 0, 10)), c[k], t[k]));
        }
        return chains;
    }

    private static double totalRate(List<Chain> chains) {
        return chains.stream().mapToDouble(ch -> ch.capacity() / ch.serviceSeconds()).sum();
    }

    private static SimulationResult simulate(DispatchPolicy policy, List<Chain> chains, double lambda, long n, long seed) {
        RoutingPlan plan = new RoutingPlan("m", 1, chains);
        return Simulator.run(SimulationConfig.of(n, seed), PoissonArrivals.atRate(lambda), EXPONENTIAL,
                new PolicyRoutingModel(policy, plan));
    }

    @Test
    void shouldMatchErlangCForOneChain() {
        int c = 4;
        double t = 2.0;
        double lambda = 0.75 * c / t;
        List<Chain> one = List.of(new Chain(List.of(new Hop("s", 0, 10)), c, t));
        SimulationResult r = simulate(new JffcDispatchPolicy(), one, lambda, 400_000, SEED);
        double expected = erlangCResponse(lambda, 1 / t, c);
        assertThat(r.responseTime().meanSeconds())
                .isCloseTo(expected, org.assertj.core.data.Offset.offset(Math.max(2 * r.responseMeanCi95(), TOLERANCE * expected)));
        assertThat(r.routeUtilisation().get(0)).isCloseTo(0.75, org.assertj.core.data.Offset.offset(0.02));
    }

    @Test
    void shouldLieBetweenTheTheorem4BoundsAtEveryLoad() {
        List<Chain> chains = heterogeneousChains();
        double nu = totalRate(chains);
        for (int i = 1; i <= 9; i++) {
            double lambda = nu * i / 10.0;
            Bounds b = JffcResponseTimeBounds.bounds(chains, lambda);
            SimulationResult r = simulate(new JffcDispatchPolicy(), chains, lambda, 120_000, SEED + i);
            double mean = r.responseTime().meanSeconds();
            double ci = r.responseMeanCi95();
            assertThat(mean).as("load %.1f: mean %.4f, ci %.4f, bounds [%.4f, %.4f]", i / 10.0, mean, ci,
                    b.lowerSeconds(), b.upperSeconds())
                    .isBetween(b.lowerSeconds() - ci, b.upperSeconds() + ci);
        }
    }

    /**
     * The burst-aware bounds ({@link MmppJffcResponseTime}) hold JFFC's simulated mean under the bursty process they
     * were computed for: the chains of a {@code chainplan local --trace ... --scenario mix} plan after the change
     * (three 10 s chains and three 19-20 s chains of 24 slots) and the interrupted Poisson process fitted to the Azure
     * code trace (bursts 17.4% of the time at 17.4 req/s, 9.34 s long on average; mean 3.03 req/s), whose bursts
     * exceed the chains' total rate (10.7 req/s). Exponential service, as in Theorem 4.
     */
    @Test
    void shouldLieBetweenTheBurstAwareBoundsUnderTheProcessTheyWereComputedFor() {
        double[] t = {10.014, 10.033, 10.736, 19.015, 19.423, 20.208};
        List<Chain> chains = new ArrayList<>();
        for (int k = 0; k < t.length; k++) {
            chains.add(new Chain(List.of(new Hop("s" + k, 0, 32)), 24, t[k]));
        }
        double p = 0.174;
        double ends = 1 / 9.34;
        ArrivalModel.Mmpp2 bursty = new ArrivalModel.Mmpp2(17.4, 0, ends, p / (1 - p) * ends);
        Bounds b = MmppJffcResponseTime.bounds(chains, bursty);
        Bounds poisson = JffcResponseTimeBounds.bounds(chains, bursty.ratePerSecond());

        SimulationResult r = Simulator.run(SimulationConfig.of(200_000, SEED), MmppArrivals.of(bursty), EXPONENTIAL,
                new PolicyRoutingModel(new JffcDispatchPolicy(), new RoutingPlan("m", 1, chains)));

        double mean = r.responseTime().meanSeconds();
        double ci = r.responseMeanCi95();
        assertThat(mean).as("mean %.3f +- %.3f, bounds [%.3f, %.3f]", mean, ci, b.lowerSeconds(), b.upperSeconds())
                .isBetween(b.lowerSeconds() - ci, b.upperSeconds() + ci);
        // the bursts queue: the same chains at the same mean rate with Poisson arrivals wait far less
        assertThat(b.lowerSeconds()).isGreaterThan(poisson.lowerSeconds() + 2);
    }

    @Test
    void shouldGiveJffcTheLowestMeanOfTheFivePoliciesOnHeterogeneousChains() {
        List<Chain> chains = heterogeneousChains();
        double lambda = 0.7 * totalRate(chains);
        double jffc = simulate(new JffcDispatchPolicy(), chains, lambda, 100_000, SEED).responseTime().meanSeconds();
        for (DispatchPolicy p : DispatchPolicies.all()) {
            double mean = simulate(p, chains, lambda, 100_000, SEED).responseTime().meanSeconds();
            assertThat(mean).as(p.name()).isGreaterThanOrEqualTo(jffc);
        }
    }

    @Test
    void shouldBeDeterministicForASeed() {
        List<Chain> chains = heterogeneousChains();
        double lambda = 0.8 * totalRate(chains);
        for (DispatchPolicy p : DispatchPolicies.all()) {
            SimulationResult a = simulate(p, chains, lambda, 20_000, SEED);
            SimulationResult b = simulate(p, chains, lambda, 20_000, SEED);
            assertThat(a).as(p.name()).isEqualTo(b);
        }
        assertThat(simulate(new JffcDispatchPolicy(), chains, lambda, 20_000, SEED + 1))
                .isNotEqualTo(simulate(new JffcDispatchPolicy(), chains, lambda, 20_000, SEED));
    }

    @Test
    void shouldCutTheWarmupAndReportConsistentLatencies() {
        List<Chain> chains = heterogeneousChains();
        RoutingPlan plan = new RoutingPlan("m", 1, chains);
        SimulationResult r = Simulator.run(new SimulationConfig(10_000, 2_500, SEED, 10),
                PoissonArrivals.atRate(0.9 * totalRate(chains)), EXPONENTIAL,
                new PolicyRoutingModel(new JffcDispatchPolicy(), plan));
        assertThat(r.simulatedRequests()).isEqualTo(10_000);
        assertThat(r.measuredRequests()).isEqualTo(7_500);
        assertThat(r.responseTime().meanSeconds()).isCloseTo(
                r.waitingTime().meanSeconds() + r.serviceTime().meanSeconds(), org.assertj.core.data.Offset.offset(1e-9));
        LatencySummary s = r.responseTime();
        assertThat(s.medianSeconds()).isLessThanOrEqualTo(s.p95Seconds());
        assertThat(s.p95Seconds()).isLessThanOrEqualTo(s.p99Seconds());
        assertThat(s.p99Seconds()).isLessThanOrEqualTo(s.maxSeconds() * 1.001);
        assertThat(r.routeUtilisation()).hasSize(6).allSatisfy(u -> assertThat(u).isBetween(0.0, 1.0));
    }

    @Test
    void shouldReplayATraceAtItsOwnTimes() {
        RequestTrace trace = new RequestTrace(new double[] {0, 1, 1, 5}, new int[] {10, 10, 10, 10}, new int[] {2, 2, 2, 2});
        RoutingPlan plan = new RoutingPlan("m", 1, List.of(new Chain(List.of(new Hop("s", 0, 1)), 1, 2.0)));
        ServiceModel fixed = new ServiceModel() {
            @Override
            public double serviceSeconds(Chain chain, int in, int out, RandomGenerator random) {
                return chain.serviceSeconds();
            }

            @Override
            public String name() {
                return "fixed";
            }
        };
        SimulationResult r = Simulator.run(new SimulationConfig(100, 0, SEED, 2), new TraceArrivals(trace), fixed,
                new PolicyRoutingModel(new JffcDispatchPolicy(), plan));
        // starts at 0, 2, 4, 6; responses 2, 3, 5, 3
        assertThat(r.simulatedRequests()).isEqualTo(4);
        assertThat(r.responseTime().meanSeconds()).isCloseTo(13 / 4.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.responseTime().maxSeconds()).isEqualTo(5.0);
        assertThat(r.waitingTime().meanSeconds()).isCloseTo(5 / 4.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void shouldFailWhenTheRoutingModelLeavesRequestsUnserved() {
        RoutingModel lazy = new RoutingModel() {
            @Override
            public String name() {
                return "lazy";
            }

            @Override
            public List<String> routeLabels() {
                return List.of("r");
            }

            @Override
            public int routeCapacity(int route) {
                return 1;
            }

            @Override
            public RoutingRun newRun(RandomGenerator random) {
                return new RoutingRun() {
                    @Override
                    public void onArrival(SimContext ctx, int request) {
                    }

                    @Override
                    public void onDeparture(SimContext ctx, int request, int route) {
                    }
                };
            }
        };
        assertThatThrownBy(() -> Simulator.run(SimulationConfig.of(10, SEED), PoissonArrivals.atRate(1), EXPONENTIAL, lazy))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("left 10 of 10");
    }

    /** Mean response time of M/M/c (Erlang C). */
    static double erlangCResponse(double lambda, double mu, int c) {
        double a = lambda / mu;
        double rho = a / c;
        double term = 1;
        double sum = 1;
        for (int k = 1; k < c; k++) {
            term *= a / k;
            sum += term;
        }
        double last = term * a / c / (1 - rho);
        double pWait = last / (sum + last);
        return pWait / (c * mu - lambda) + 1 / mu;
    }
}
