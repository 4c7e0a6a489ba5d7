package io.chainplan.router.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.optimizer.model.Bounds;
import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.optimizer.model.Objective;
import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.model.SolverStats;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingPlanTest {
    @Test
    void shouldTakeTheChainsOfASolvedPlanInTheirOrder() {
        Chain fast = new Chain(List.of(new Hop("a", 0, 4)), 2, 1.0);
        Chain slow = new Chain(List.of(new Hop("b", 0, 1), new Hop("c", 1, 4)), 3, 2.0);
        Plan plan = new Plan("m", PlanStatus.OK, "", 1, 0.5, Placement.empty(), List.of(fast, slow), 3.5,
                new Bounds(1.0, 1.5), new SolverStats(0, Objective.LOWER_BOUND, 1, 1));
        RoutingPlan p = RoutingPlan.of(plan, 7);
        assertThat(p.modelId()).isEqualTo("m");
        assertThat(p.epoch()).isEqualTo(7);
        assertThat(p.chains()).containsExactly(fast, slow);
    }

    @Test
    void shouldComputeTotalCapacityAndServiceRate() {
        RoutingPlan p = TestPlans.plan(1, new int[] {2, 3}, new double[] {2.0, 4.0});
        assertThat(p.totalCapacity()).isEqualTo(5);
        assertThat(p.totalServiceRatePerSecond()).isEqualTo(2 / 2.0 + 3 / 4.0);
    }

    @Test
    void shouldRejectChainsCoveringDifferentBlockCounts() {
        Chain a = new Chain(List.of(new Hop("a", 0, 2)), 1, 1.0);
        Chain b = new Chain(List.of(new Hop("b", 0, 3)), 1, 1.0);
        assertThatThrownBy(() -> new RoutingPlan("m", 1, List.of(a, b))).hasMessageContaining("covers 3 blocks");
    }
}
