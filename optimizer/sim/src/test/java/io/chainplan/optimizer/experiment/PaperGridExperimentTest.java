package io.chainplan.optimizer.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.optimizer.baseline.CachePool;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaperGridExperimentTest {
    private static final long BASE_SEED = 5L;

    private static PaperGridExperiment.Settings quick(List<Double> sweep) {
        return new PaperGridExperiment.Settings(List.of(10), List.of(0.4), 0.2, 10, 0.4, sweep, 2, BASE_SEED, 300,
                new ServingMethods.Settings(CachePool.RESERVED, 10, 1));
    }

    @Test
    void shouldMeasureEveryMethodInEveryCellAndComputeReductions() {
        PaperGridExperiment.Result r = PaperGridExperiment.run(quick(List.of(0.3)), List.of(0.012, 0.020), line -> { });
        assertThat(r.grid()).hasSize(1);
        assertThat(r.sweep()).hasSize(1);
        PaperGridExperiment.Cell c = r.grid().get(0);
        for (ServingMethod m : PaperGridExperiment.METHODS) {
            assertThat(c.of(m).runs()).as("runs of %s", m).isEqualTo(2);
            assertThat(c.of(m).meanSeconds()).as("mean of %s", m).isPositive();
        }
        double expected = 1 - c.of(ServingMethod.CHAINPLAN).meanSeconds() / c.of(ServingMethod.PETALS).meanSeconds();
        assertThat(c.reductionVs(ServingMethod.PETALS)).isEqualTo(expected);
        assertThat(r.toCsv().lines()).hasSize(1 + 2 * 3);
        assertThat(r.toMarkdown()).contains("| 10 | 0.4 | 0.20 |").contains("| 10 | 0.4 | 0.30 |");
    }

    @Test
    void shouldGiveTheSameNumbersForTheSameSeeds() {
        PaperGridExperiment.Result a = PaperGridExperiment.run(quick(List.of()), List.of(0.012, 0.020), line -> { });
        PaperGridExperiment.Result b = PaperGridExperiment.run(quick(List.of()), List.of(0.012, 0.020), line -> { });
        assertThat(b.toCsv()).isEqualTo(a.toCsv());
    }

    @Test
    void shouldDeriveDistinctFleetSeedsPerCellAndReplication() {
        assertThat(PaperGridExperiment.fleetSeed(1, 10, 0.1, 0)).isNotEqualTo(PaperGridExperiment.fleetSeed(1, 10, 0.2, 0))
                .isNotEqualTo(PaperGridExperiment.fleetSeed(1, 20, 0.1, 0))
                .isNotEqualTo(PaperGridExperiment.fleetSeed(1, 10, 0.1, 1));
    }
}
