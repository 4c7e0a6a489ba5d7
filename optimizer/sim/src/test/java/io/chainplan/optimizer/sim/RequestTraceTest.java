package io.chainplan.optimizer.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class RequestTraceTest {
    private static final RequestTrace TRACE = new RequestTrace(new double[] {0, 1, 1, 3, 4}, new int[] {1, 2, 3, 4, 5},
            new int[] {5, 4, 3, 2, 1});

    @Test
    void shouldComputeTheMeanRate() {
        assertThat(TRACE.meanRatePerSecond()).isEqualTo(1.0);
    }

    @Test
    void shouldRescaleToATargetRateKeepingTheShape() {
        RequestTrace fast = TRACE.rescaledTo(4.0);
        assertThat(fast.meanRatePerSecond()).isCloseTo(4.0, offset(1e-12));
        assertThat(fast.arrivalSeconds(3)).isCloseTo(0.75, offset(1e-12));
        assertThat(fast.inputTokens(4)).isEqualTo(5);
    }

    @Test
    void shouldTakeTheFirstRequests() {
        assertThat(TRACE.first(2).size()).isEqualTo(2);
        assertThat(TRACE.first(99).size()).isEqualTo(5);
    }

    @Test
    void shouldRejectDecreasingTimes() {
        assertThatThrownBy(() -> new RequestTrace(new double[] {0, 2, 1}, new int[3], new int[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("request 2");
    }
}
