package io.chainplan.optimizer.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.optimizer.fleets.PaperFleets;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.router.policy.DispatchPolicies;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PoliciesExperimentTest {
    private static final long FLEET_SEED = 2026L;
    private static final List<Long> SEEDS = List.of(1L, 2L, 3L);

    static Fleet paperFleet() {
        return PaperFleets.generate(20, 0.2, List.of(), new SplittableRandom(FLEET_SEED));
    }

    @Test
    void shouldGiveJffcTheLowestMeanAndKeepItBetweenTheBounds() {
        PoliciesExperiment.Result r = PoliciesExperiment.run(paperFleet(),
                new PoliciesExperiment.Settings(7, List.of(0.3, 0.6, 0.9), DispatchPolicies.all(), SEEDS, 30_000),
                line -> { });
        System.out.print(r.toCsv());
        assertThat(r.policies()).startsWith("jffc");
        for (PoliciesExperiment.Row row : r.rows()) {
            double jffc = row.meanSeconds().get(0);
            double ci = row.ci95Seconds().get(0);
            assertThat(jffc).as("load %s", row.load())
                    .isBetween(row.bounds().lowerSeconds() - ci, row.bounds().upperSeconds() + ci);
            for (int i = 1; i < r.policies().size(); i++) {
                assertThat(row.meanSeconds().get(i)).as("%s at load %s", r.policies().get(i), row.load())
                        .isGreaterThanOrEqualTo(jffc - ci);
            }
        }
        assertThat(r.toCsv()).startsWith("load,lambda,lower_bound,upper_bound,jffc,jffc_ci95,jsq,");
    }
}
