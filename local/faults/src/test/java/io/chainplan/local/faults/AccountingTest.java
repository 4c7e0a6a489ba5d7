package io.chainplan.local.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccountingTest {
    private static final List<Long> ACKED = List.of(1_000L, 1_250L, 1_500L, 1_750L, 2_000L, 2_250L);

    @Test
    void shouldCompareAnEstimateWithTheAcknowledgedRecordsOfItsWindowOnly() {
        // window [1000, 2000): four records; the one at 2000 belongs to the next bucket
        assertThat(Accounting.count(ACKED, 2_000, 1.0, 4)).isEqualTo(new Accounting.Count(4, 4, 0, 0));
        assertThat(Accounting.count(ACKED, 2_000, 1.0, 3)).isEqualTo(new Accounting.Count(4, 3, 1, 0));
        assertThat(Accounting.count(ACKED, 2_000, 1.0, 6)).isEqualTo(new Accounting.Count(4, 6, 0, 2));
        assertThat(Accounting.count(ACKED, 2_000, 0.5, 2)).as("a shorter window").isEqualTo(new Accounting.Count(2, 2, 0, 0));
    }

    @Test
    void shouldMeasureTheTimeWithoutAnOkPlan() {
        List<Accounting.PlanSeen> plans = List.of(new Accounting.PlanSeen(100, true), new Accounting.PlanSeen(500, false),
                new Accounting.PlanSeen(800, true));
        assertThat(Accounting.planGap(plans, 200, 1_000)).isEqualTo(Duration.ofMillis(300));
        assertThat(Accounting.planGap(plans, 0, 1_000)).as("no plan before the first").isEqualTo(Duration.ofMillis(400));
        assertThat(Accounting.planGap(plans, 850, 1_000)).isZero();
        assertThat(Accounting.planGap(plans.subList(0, 2), 200, 1_000)).as("still not OK at the end").isEqualTo(Duration.ofMillis(500));
        assertThat(Accounting.planGap(List.of(), 0, 10)).as("never a plan").isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void shouldFindMissingAndRepeatedEpochs() {
        assertThat(Accounting.epochs(List.of(1L, 2L, 3L))).isEqualTo(new Accounting.Epochs(List.of(), 0));
        assertThat(Accounting.epochs(List.of(1L, 3L, 3L, 5L, 3L))).isEqualTo(new Accounting.Epochs(List.of(2L, 4L), 2));
        assertThat(Accounting.epochs(List.of())).isEqualTo(new Accounting.Epochs(List.of(), 0));
    }
}
