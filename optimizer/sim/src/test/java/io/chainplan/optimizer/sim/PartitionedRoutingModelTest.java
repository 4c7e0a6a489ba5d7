package io.chainplan.optimizer.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.router.policy.JffcDispatchPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionedRoutingModelTest {
    private static final long SEED = 11L;

    private static RoutingPlan plan(int... capacities) {
        List<Chain> chains = new ArrayList<>();
        for (int k = 0; k < capacities.length; k++) {
            chains.add(new Chain(List.of(new Hop("s" + k, 0, 4)), capacities[k], 1.0 + k));
        }
        return new RoutingPlan("m", 1, chains);
    }

    @Test
    void shouldSplitEveryChainEvenlyAndSpreadTheRemainders() {
        int[][] share = PartitionedRoutingModel.split(plan(5, 2, 1, 4).chains(), 4);
        assertThat(share).isDeepEqualTo(new int[][] {{2, 0, 0, 1}, {1, 1, 0, 1}, {1, 1, 1, 1},
                {1, 0, 0, 1}});
        for (int k = 0; k < 4; k++) {
            int chain = k;
            assertThat(Arrays.stream(share).mapToInt(s -> s[chain]).sum()).as("every slot of chain %d is used", k)
                    .isEqualTo(plan(5, 2, 1, 4).chains().get(k).capacity());
        }
    }

    @Test
    void shouldRefuseASplitThatLeavesAFrontendWithoutSlots() {
        assertThat(PartitionedRoutingModel.of(new JffcDispatchPolicy(), plan(1, 1), 3)).isEmpty();
        assertThat(PartitionedRoutingModel.of(new JffcDispatchPolicy(), plan(1, 2), 3)).isPresent();
    }

    @Test
    void shouldBehaveAsTheCentralQueueWithOneFrontend() {
        RoutingPlan p = plan(3, 2);
        SimulationResult central = Simulator.run(SimulationConfig.of(5_000, SEED), PoissonArrivals.atRate(1.5),
                new ExponentialServiceModel(), new PolicyRoutingModel(new JffcDispatchPolicy(), p));
        SimulationResult one = Simulator.run(SimulationConfig.of(5_000, SEED), PoissonArrivals.atRate(1.5),
                new ExponentialServiceModel(), PartitionedRoutingModel.of(new JffcDispatchPolicy(), p, 1).orElseThrow());
        assertThat(one.responseTime()).isEqualTo(central.responseTime());
    }

    @Test
    void shouldWaitLongerWithStaticSharesThanWithOneQueue() {
        RoutingPlan p = plan(4, 4);
        SimulationResult central = Simulator.run(SimulationConfig.of(20_000, SEED), PoissonArrivals.atRate(3.5),
                new ExponentialServiceModel(), new PolicyRoutingModel(new JffcDispatchPolicy(), p));
        SimulationResult four = Simulator.run(SimulationConfig.of(20_000, SEED), PoissonArrivals.atRate(3.5),
                new ExponentialServiceModel(), PartitionedRoutingModel.of(new JffcDispatchPolicy(), p, 4).orElseThrow());
        assertThat(four.waitingTime().meanSeconds()).isGreaterThan(central.waitingTime().meanSeconds());
        assertThat(four.routeUtilisation()).allSatisfy(u -> assertThat(u).isBetween(0.0, 1.0));
    }
}
