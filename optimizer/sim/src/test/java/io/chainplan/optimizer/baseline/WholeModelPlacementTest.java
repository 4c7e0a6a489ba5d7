package io.chainplan.optimizer.baseline;

import static io.chainplan.optimizer.baseline.Fleets.TOLERANCE;
import static io.chainplan.optimizer.baseline.Fleets.TOY;
import static io.chainplan.optimizer.baseline.Fleets.fleet;
import static io.chainplan.optimizer.baseline.Fleets.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.chainplan.optimizer.model.Chain;
import org.junit.jupiter.api.Test;

class WholeModelPlacementTest {
    @Test
    void shouldMakeSingleServerChainsWithCapacityFromTheMemoryLeftByTheWeights() {
        // capacity floor((M - 60) / 6): slow 80 -> 3, fast 66 -> 1, small 65 -> 0 (left out)
        WholeModelPlacement.Result r = new WholeModelPlacement().place(fleet(TOY, 0.1,
                server("slow", 80, 0.5, 0.2), server("fast", 66, 0.1, 0.1), server("small", 65, 0.0, 0.01)));
        assertThat(r.allocation().chains()).extracting(Chain::capacity).containsExactly(1, 3);
        Chain fast = r.allocation().chains().get(0);
        assertThat(fast.serverIds()).containsExactly("fast");
        assertThat(fast.hops().get(0).blocks()).isEqualTo(6);
        assertThat(fast.serviceSeconds()).isCloseTo(0.1 + 6 * 0.1, within(TOLERANCE));
        assertThat(r.placement().servers()).hasSize(2);
        assertThat(r.placement().server("slow").orElseThrow().cacheSlots()).isEqualTo(20);
    }

    @Test
    void shouldGiveNoChainsWhenNoServerHoldsTheModel() {
        WholeModelPlacement.Result r = new WholeModelPlacement().place(fleet(TOY, 0.1, server("a", 50, 0.1, 0.1)));
        assertThat(r.allocation().chains()).isEmpty();
        assertThat(r.placement().isEmpty()).isTrue();
    }

    @Test
    void shouldBreakServiceTimeTiesById() {
        WholeModelPlacement.Result r = new WholeModelPlacement().place(fleet(TOY, 0.1,
                server("b", 70, 0.1, 0.1), server("a", 70, 0.1, 0.1)));
        assertThat(r.allocation().chains()).extracting(k -> k.serverIds().get(0)).containsExactly("a", "b");
    }
}
