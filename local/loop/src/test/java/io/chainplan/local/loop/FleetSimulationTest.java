package io.chainplan.local.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.tuning.CapacitySearch;
import io.chainplan.router.dispatch.Dispatcher;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.router.policy.JffcDispatchPolicy;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.RequestEventKind;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FleetSimulationTest {
    private static final long SEED = 20260423L;
    private static final double RATE = 3.0;
    private static final double END = 1500;

    private final SimFleet fleet = SimFleet.paperMig();
    private final VirtualClock clock = new VirtualClock(1_700_000_000_000L, 10, () -> 0L);

    private Plan solve(double rate) {
        List<Arrival> none = List.of(new Arrival(0, 1, 1), new Arrival(1, 1, 1));
        Fleet f = PetalsComparison.toFleet(fleet, none);
        Plan p = new CapacitySearch().solve(new Fleet(f.model(), f.servers(), rate, 0.7));
        assertThat(p.status()).isEqualTo(PlanStatus.OK);
        return p;
    }

    private FleetSimulation simulation(Dispatcher d, ListSink sink, RunRecorder recorder, double rate) {
        PoissonLoad load = new PoissonLoad(rate, Double.POSITIVE_INFINITY, 1, END, fleet.model(), new SplittableRandom(SEED));
        return new FleetSimulation(fleet, load, FleetRouter.embedded(d), sink, recorder, new SplittableRandom(SEED + 1),
                clock,
                FleetSimulation.Settings.DEFAULTS);
    }

    @Test
    void shouldServeEveryRequestWithinThePlansBoundsUnderAFixedPlan() {
        Plan plan = solve(RATE);
        Dispatcher d = Dispatcher.builder(fleet.model().id(), new JffcDispatchPolicy()).build();
        d.apply(RoutingPlan.of(plan, 1));
        ListSink sink = new ListSink();
        RunRecorder recorder = new RunRecorder();
        FleetSimulation sim = simulation(d, sink, recorder, RATE);

        sim.advanceTo(END + 100);

        assertThat(recorder.completedCount()).isEqualTo(recorder.arrivedCount()).isGreaterThan(3000);
        double[] rt = recorder.completions().stream().mapToDouble(Completion::responseSeconds).toArray();
        Stats s = Stats.of(rt);
        assertThat(s.mean() + s.ci95()).isGreaterThanOrEqualTo(plan.bounds().lowerSeconds());
        assertThat(s.mean() - s.ci95()).isLessThanOrEqualTo(plan.bounds().upperSeconds());
    }

    @Test
    void shouldEmitArrivedAndCompletedEventsWithPerHopTimingsAndPeriodicTelemetry() {
        Dispatcher d = Dispatcher.builder(fleet.model().id(), new JffcDispatchPolicy()).build();
        d.apply(RoutingPlan.of(solve(RATE), 1));
        ListSink sink = new ListSink();
        FleetSimulation sim = simulation(d, sink, new RunRecorder(), RATE);

        sim.advanceTo(100);

        RequestEvent done = sink.requests.stream().filter(e -> e.getKind() == RequestEventKind.COMPLETED).findFirst()
                .orElseThrow();
        assertThat(done.getHops()).isNotEmpty();
        assertThat(done.getHops().get(0).getStartBlock()).isZero();
        assertThat(done.getHops().get(done.getHops().size() - 1).getEndBlock()).isEqualTo(fleet.model().blocks());
        assertThat(done.getResponseSeconds()).isPositive();
        assertThat(done.getPlanEpoch()).isEqualTo(1L);
        assertThat(sink.requests.stream().filter(e -> e.getKind() == RequestEventKind.ARRIVED).count())
                .isGreaterThanOrEqualTo(sink.requests.size() / 2);
        // 9 servers every 5 s for 100 s
        assertThat(sink.telemetry).hasSizeBetween(9 * 19, 9 * 21);
        assertThat(sink.telemetry.get(0).getTimestampMillis().toEpochMilli()).isEqualTo(clock.originMillis());
    }

    @Test
    void shouldQueueEveryRequestUntilTheFirstPlanArrives() {
        Dispatcher d = Dispatcher.builder(fleet.model().id(), new JffcDispatchPolicy()).build();
        RunRecorder recorder = new RunRecorder();
        FleetSimulation sim = simulation(d, new ListSink(), recorder, RATE);
        sim.advanceTo(20);
        assertThat(recorder.completedCount()).isZero();
        assertThat(d.queueLength()).isEqualTo(recorder.arrivedCount());

        d.apply(RoutingPlan.of(solve(RATE), 1));
        sim.advanceTo(60);

        assertThat(recorder.completions()).isNotEmpty().allMatch(c -> c.epochAtArrival() == -1 || c.epochAtArrival() == 1);
        assertThat(d.queueLength()).isZero();
    }

    @Test
    void shouldFailAndRetryRequestsOfAServerThatWentDownAndStopItsTelemetry() {
        Plan plan = solve(RATE);
        Dispatcher d = Dispatcher.builder(fleet.model().id(), new JffcDispatchPolicy()).build();
        d.apply(RoutingPlan.of(plan, 1));
        ListSink sink = new ListSink();
        RunRecorder recorder = new RunRecorder();
        FleetSimulation sim = simulation(d, sink, recorder, RATE);
        String victim = plan.chains().get(0).hops().get(0).serverId();
        sim.failServerAt(50, victim);

        sim.advanceTo(200);

        assertThat(recorder.failedAttempts()).isPositive();
        assertThat(sink.requests).anyMatch(e -> e.getKind() == RequestEventKind.FAILED);
        assertThat(sink.telemetry).filteredOn(t -> t.getServerId().equals(victim))
                .allMatch(t -> t.getTimestampMillis().toEpochMilli() < clock.toMillis(50.001));
        assertThat(recorder.scenarioEvents()).singleElement().extracting(RunRecorder.ScenarioEvent::kind).isEqualTo("failure");
    }
}
