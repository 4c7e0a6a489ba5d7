package io.chainplan.router.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingPlanTest {
    @Test
    void shouldComputeTotalCapacityAndServiceRate() {
        RoutingPlan p = TestPlans.plan(1, new int[] {2, 3}, new double[] {2.0, 4.0});
        assertThat(p.totalCapacity()).isEqualTo(5);
        assertThat(p.totalServiceRatePerSecond()).isEqualTo(2 / 2.0 + 3 / 4.0);
    }

    @Test
    void shouldRejectChainIndicesOutOfOrder() {
        RoutingChain c = new RoutingChain(1, List.of(new RoutingHop("a", 0, 2)), 1, 1.0);
        assertThatThrownBy(() -> new RoutingPlan("m", 1, List.of(c))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 1");
    }

    @Test
    void shouldRejectGapsBetweenHops() {
        assertThatThrownBy(() -> new RoutingChain(0, List.of(new RoutingHop("a", 0, 2), new RoutingHop("b", 3, 5)), 1, 1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("starts at block 3");
    }

    @Test
    void shouldRejectNonPositiveCapacityAndServiceTime() {
        List<RoutingHop> hops = List.of(new RoutingHop("a", 0, 2));
        assertThatThrownBy(() -> new RoutingChain(0, hops, 0, 1.0)).hasMessageContaining("capacity");
        assertThatThrownBy(() -> new RoutingChain(0, hops, 1, 0.0)).hasMessageContaining("serviceSeconds");
        assertThatThrownBy(() -> new RoutingChain(0, hops, 1, Double.NaN)).hasMessageContaining("serviceSeconds");
    }

    @Test
    void shouldRejectChainsCoveringDifferentBlockCounts() {
        RoutingChain a = new RoutingChain(0, List.of(new RoutingHop("a", 0, 2)), 1, 1.0);
        RoutingChain b = new RoutingChain(1, List.of(new RoutingHop("b", 0, 3)), 1, 1.0);
        assertThatThrownBy(() -> new RoutingPlan("m", 1, List.of(a, b))).hasMessageContaining("covers 3 blocks");
    }
}
