package io.chainplan.local.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.tuning.CapacitySearch;
import io.chainplan.router.dispatch.Dispatcher;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.router.policy.JffcDispatchPolicy;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PetalsComparisonTest {
    private static final long SEED = 77L;

    @Test
    void shouldReplayTheSameArrivalsUnderPetalsAndBeSlowerThanGcaChainsWithJffc() {
        SimFleet fleet = SimFleet.paperMig();
        double rate = 6.0;
        PoissonLoad load = new PoissonLoad(rate, Double.POSITIVE_INFINITY, 1, 800, fleet.model(), new SplittableRandom(SEED));
        RunRecorder recorder = new RunRecorder();
        Dispatcher d = Dispatcher.builder(fleet.model().id(), new JffcDispatchPolicy()).build();
        Fleet f = PetalsComparison.toFleet(fleet, List.of(new Arrival(0, 1, 1), new Arrival(1, 1, 1)));
        Plan plan = new CapacitySearch().solve(new Fleet(f.model(), f.servers(), rate, 0.7));
        d.apply(RoutingPlan.of(plan, 1));
        FleetSimulation sim = new FleetSimulation(fleet, load, FleetRouter.embedded(d), new ListSink(), recorder,
                new SplittableRandom(SEED),
                new VirtualClock(0, 1, () -> 0L), FleetSimulation.Settings.DEFAULTS);
        sim.advanceTo(1000);
        double chainplan = Stats.of(recorder.completions().stream().mapToDouble(Completion::responseSeconds).toArray()).mean();

        PetalsComparison.Result petals = PetalsComparison.run(fleet, FleetSimulation.Settings.DEFAULTS, recorder.arrivals(), SEED);

        assertThat(petals.requests()).isEqualTo(recorder.arrivedCount());
        assertThat(petals.result().measuredRequests()).isEqualTo(recorder.arrivedCount());
        System.out.printf("chainplan %.3f s, PETALS %.3f s (%s)%n", chainplan, petals.result().responseTime().meanSeconds(),
                petals.describePlacement());
        assertThat(petals.result().responseTime().meanSeconds()).isGreaterThan(chainplan);
    }
}
