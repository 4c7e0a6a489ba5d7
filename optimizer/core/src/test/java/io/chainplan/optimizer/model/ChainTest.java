package io.chainplan.optimizer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChainTest {
    @Test
    void shouldRejectGapsBetweenHops() {
        assertThatThrownBy(() -> new Chain(List.of(new Hop("a", 0, 2), new Hop("b", 3, 5)), 1, 1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("starts at block 3");
    }

    @Test
    void shouldRejectAFirstHopThatDoesNotStartAtBlockZero() {
        assertThatThrownBy(() -> new Chain(List.of(new Hop("a", 1, 2)), 1, 1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("start at block 0");
    }

    @Test
    void shouldRejectNonPositiveCapacityAndServiceTime() {
        List<Hop> hops = List.of(new Hop("a", 0, 2));
        assertThatThrownBy(() -> new Chain(hops, 0, 1.0)).hasMessageContaining("capacity");
        assertThatThrownBy(() -> new Chain(hops, 1, 0.0)).hasMessageContaining("serviceSeconds");
        assertThatThrownBy(() -> new Chain(hops, 1, Double.NaN)).hasMessageContaining("serviceSeconds");
    }

    @Test
    void shouldCoverTheBlocksUpToTheEndOfItsLastHop() {
        Chain c = new Chain(List.of(new Hop("a", 0, 2), new Hop("b", 2, 5)), 3, 2.0);
        assertThat(c.blocks()).isEqualTo(5);
        assertThat(c.serverIds()).containsExactly("a", "b");
        assertThat(c.serviceRatePerSecond()).isEqualTo(0.5);
    }
}
