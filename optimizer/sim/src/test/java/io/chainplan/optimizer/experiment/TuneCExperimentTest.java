package io.chainplan.optimizer.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Objective;
import java.util.List;
import org.junit.jupiter.api.Test;

class TuneCExperimentTest {
    @Test
    void shouldCompareEachObjectivesChoiceWithTheSimulatedBest() {
        Fleet fleet = PoliciesExperimentTest.paperFleet();
        TuneCExperiment.Result r = TuneCExperiment.run(fleet, new TuneCExperiment.Settings(
                List.of(0.2, 0.6, 1.0), List.of(Objective.values()), List.of(1L), 5_000), line -> { });
        System.out.print(r.toCsv());
        TuneCExperiment.Row row = r.rows().get(0);
        assertThat(row.stableCandidates()).isPositive();
        assertThat(row.bestC()).isPositive();
        for (int i = 0; i < r.objectives().size(); i++) {
            if (row.chosenC().get(i) > 0) {
                assertThat(row.chosenMeanSeconds().get(i)).isGreaterThanOrEqualTo(row.bestMeanSeconds());
            }
        }
    }
}
