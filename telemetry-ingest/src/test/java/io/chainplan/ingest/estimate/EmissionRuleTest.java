package io.chainplan.ingest.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.stats.PoissonInterval;
import org.junit.jupiter.api.Test;

class EmissionRuleTest {
    private static final EmissionRule RULE = EmissionRule.defaults();

    private static DemandEstimateValue estimate(long at, double rate, boolean change) {
        return new DemandEstimateValue(at, rate, new PoissonInterval(0, 10), 60, 10, 100, 10, 0, 0, change,
                BurstinessEstimate.NONE, false);
    }

    @Test
    void shouldPublishTheFirstEstimateChangesMaterialMovesAndHeartbeats() {
        assertThat(RULE.shouldEmitDemand(EmittedDemand.NONE, estimate(0, 2, false), 60)).isTrue();
        EmittedDemand last = EmittedDemand.of(estimate(0, 2, false));
        assertThat(RULE.shouldEmitDemand(last, estimate(5_000, 2.05, false), 60)).isFalse();
        assertThat(RULE.shouldEmitDemand(last, estimate(5_000, 2.2, false), 60)).isTrue();
        assertThat(RULE.shouldEmitDemand(last, estimate(5_000, 2.0, true), 60)).isTrue();
        assertThat(RULE.shouldEmitDemand(last, estimate(60_000, 2.0, false), 60)).isTrue();
    }

    @Test
    void shouldIgnoreTinyMovesNearZero() {
        assertThat(RULE.moved(0.001, 0.002, 1.0 / 60)).isFalse();
        assertThat(RULE.moved(Double.NaN, 1, 0)).isTrue();
    }
}
