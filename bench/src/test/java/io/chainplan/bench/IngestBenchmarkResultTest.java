package io.chainplan.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.bench.IngestBenchmark.Phase;
import io.chainplan.bench.IngestBenchmark.Plan;
import io.chainplan.bench.IngestBenchmark.Result;
import io.chainplan.bench.IngestBenchmark.Round;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestBenchmarkResultTest {
    private static Round round(double rawSeconds, double appSeconds) {
        return new Round(new Phase(rawSeconds, 0, 0), new Phase(appSeconds, 0, 0), 1.5, 2000);
    }

    @Test
    void shouldReportMediansOverRoundsAndTheMedianOfThePairedRatios() {
        Result r = new Result(new Plan(1000, 0, 3), "exactly_once_v2",
                List.of(round(1.0, 2.0), round(0.5, 2.0), round(1.0, 1.25)));

        assertThat(r.rawPerSecond()).isEqualTo(1000.0);
        assertThat(r.appPerSecond()).isEqualTo(500.0);
        // ratios 0.5, 0.25, 0.8: the median pairs each raw phase with its own app phase
        assertThat(r.ratio()).isEqualTo(0.5);
    }

    @Test
    void shouldAverageTheMiddleTwoOfAnEvenNumberOfRounds() {
        Result r = new Result(new Plan(1000, 0, 2), "at_least_once", List.of(round(1.0, 2.0), round(1.0, 1.0)));

        assertThat(r.ratio()).isEqualTo(0.75);
    }

    @Test
    void shouldRejectPlansThatMeasureNothing() {
        assertThatThrownBy(() -> new Plan(999, 0, 1)).hasMessageContaining("events must be >= 1000");
        assertThatThrownBy(() -> new Plan(1000, -1, 1)).hasMessageContaining("warm-up");
        assertThatThrownBy(() -> new Plan(1000, 0, 0)).hasMessageContaining("rounds");
    }
}
