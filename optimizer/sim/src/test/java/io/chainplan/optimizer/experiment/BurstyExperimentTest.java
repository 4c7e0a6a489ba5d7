package io.chainplan.optimizer.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.chainplan.optimizer.arrival.ArrivalModel;
import io.chainplan.optimizer.fleets.PaperFleets;
import io.chainplan.optimizer.model.Fleet;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BurstyExperimentTest {
    private static final BurstyExperiment.Settings SMALL = new BurstyExperiment.Settings(List.of(20), List.of(0.1),
            List.of(0.3), List.of(BurstyExperiment.Source.POISSON, BurstyExperiment.Source.MMPP), 3, 3000, 1);

    @Test
    void shouldPlanThePapersWayForPoissonAndBeatItOnBursts() {
        BurstyExperiment.Result r = BurstyExperiment.run(SMALL, Optional.empty(), List.of(), line -> { });
        assertThat(r.cells()).hasSize(2);
        BurstyExperiment.Cell poisson = r.cells().get(0);
        assertThat(poisson.source()).isEqualTo(BurstyExperiment.Source.POISSON);
        assertThat(poisson.fit()).startsWith("consistent with Poisson");
        // the same plan, the same arrivals: the same numbers
        assertThat(poisson.chainplan()).isEqualTo(poisson.paper());
        BurstyExperiment.Cell mmpp = r.cells().get(1);
        assertThat(mmpp.fit()).startsWith("bursty");
        assertThat(mmpp.chainplan().nu()).isGreaterThan(mmpp.paper().nu());
        assertThat(mmpp.meanReduction()).isGreaterThan(0.2);
        assertThat(r.toCsv().lines()).hasSize(1 + 2 * 2);
        assertThat(r.toMarkdown()).contains("| mmpp |").contains("consistent with Poisson");
    }

    @Test
    void shouldMakeTheSyntheticProcessAtTheGivenRate() {
        ArrivalModel.Mmpp2 m = BurstyExperiment.synthetic(2.0);
        assertThat(m.ratePerSecond()).isCloseTo(2.0, within(1e-12));
        assertThat(m.burstFraction()).isCloseTo(0.25, within(1e-12));
        assertThat(1 / m.burstEndsPerSecond()).isCloseTo(30, within(1e-9));
    }

    @Test
    void shouldMeasureLoadAgainstTheLargestServiceRate() {
        Fleet f = PaperFleets.generate(20, 0.1, List.of(), new SplittableRandom(1));
        assertThat(BurstyExperiment.maxServiceRate(f)).isGreaterThan(new io.chainplan.optimizer.tuning.CapacitySearch()
                .solve(f.withArrivalRate(0.1)).totalServiceRatePerSecond());
    }

    @Test
    void shouldRefuseBadSettingsAndAMissingTrace() {
        assertThatThrownBy(() -> new BurstyExperiment.Settings(List.of(20), List.of(0.1), List.of(1.2),
                List.of(BurstyExperiment.Source.POISSON), 3, 3000, 1)).hasMessageContaining("--loads");
        BurstyExperiment.Settings trace = new BurstyExperiment.Settings(List.of(20), List.of(0.1), List.of(0.3),
                List.of(BurstyExperiment.Source.TRACE), 2, 1000, 1);
        assertThatThrownBy(() -> BurstyExperiment.run(trace, Optional.empty(), List.of(), line -> { }))
                .hasMessageContaining("trace");
    }
}
