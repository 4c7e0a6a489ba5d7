package io.chainplan.local.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.PlanChain;
import io.chainplan.schemas.avro.PlanHop;
import io.chainplan.schemas.avro.PlanTrigger;
import io.chainplan.schemas.avro.TriggerKind;
import io.chainplan.schemas.testing.SampleRecords;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link RunSummary#periods()}: a period's requests are those that arrived under its plan (the router's epoch at
 * arrival, for the measured mean, the true token mix and the count of requests that never completed), and a
 * period some of whose requests never completed is not judged.
 */
class RunSummaryPeriodsTest {
    private static final int REQUESTS = 40;
    /** Inside plan {@link SampleRecords#chainPlan()}'s bounds, 7.1 .. 7.9 s. */
    private static final double RESPONSE_SECONDS = 7.5;

    private static RunSummary summary(RunRecorder recorder) {
        RunInfo info = new RunInfo(Scenario.STEADY, 10, 0, 100, 0, 10, "test load", "test fleet",
                Double.POSITIVE_INFINITY, Optional.empty());
        return new RunSummary(info, recorder, LoadSource.none(), new TrueTimings(SimFleet.paperMig()), 0.05);
    }

    /** The sample plan (bounds 7.1 .. 7.9 s) on one whole-model chain of the MIG fleet's mig40-1. */
    private static ChainPlan plan(long epoch) {
        PlanChain chain = new PlanChain(List.of(new PlanHop("mig40-1", 0, 32)), 24, 1.2);
        return ChainPlan.newBuilder(SampleRecords.chainPlan()).setEpoch(epoch).setChains(List.of(chain)).build();
    }

    private static RunRecorder twoPlans() {
        RunRecorder r = new RunRecorder();
        r.backlogCleared(0);
        r.plan(new RunRecorder.ObservedPlan(10, plan(1)));
        r.plan(new RunRecorder.ObservedPlan(50, plan(2)));
        return r;
    }

    /** {@code n} requests of {@code outputTokens} arriving one a second from {@code from} under {@code epoch}. */
    private static void served(RunRecorder r, double from, int n, int outputTokens, long epoch) {
        for (int i = 0; i < n; i++) {
            r.arrived(new Arrival(from + i, 2000, outputTokens), epoch);
            r.completed(new Completion(from + i, RESPONSE_SECONDS, 0, epoch, epoch, 0, 1));
        }
    }

    @Test
    void shouldJudgeEveryPeriodWhoseRequestsAllCompleted() {
        RunRecorder r = twoPlans();
        served(r, 10, REQUESTS, 20, 1);
        served(r, 50, REQUESTS, 200, 2);

        RunSummary s = summary(r);

        assertThat(s.periods()).extracting(RunSummary.PeriodRow::unfinished).containsExactly(0, 0);
        assertThat(s.periods()).allSatisfy(p -> assertThat(p.judged()).isTrue());
        assertThat(s.allJudgedInBand()).isTrue();
    }

    @Test
    void shouldNotJudgeAPeriodWithARequestThatNeverCompleted() {
        RunRecorder r = twoPlans();
        served(r, 10, REQUESTS, 20, 1);
        served(r, 50, REQUESTS, 200, 2);
        r.arrived(new Arrival(95, 2000, 20_000), 2); // still in service when the run stopped following it

        RunSummary s = summary(r);

        RunSummary.PeriodRow second = s.periods().get(1);
        assertThat(second.unfinished()).isEqualTo(1);
        assertThat(second.stats().n()).isEqualTo(REQUESTS);
        assertThat(second.judged()).isFalse();
        assertThat(s.periods().get(0).judged()).isTrue();
        assertThat(s.render()).contains("not judged (1 of its requests never completed)");
    }

    @Test
    void shouldCountARequestInThePeriodOfThePlanItArrivedUnderNotByTheTimeThePlanWasSeen() {
        RunRecorder r = twoPlans();
        served(r, 10, REQUESTS, 20, 1);
        // arrived at 49.5 s, before the observer saw plan 2 at 50 s, but the router already had plan 2
        r.arrived(new Arrival(49.5, 2000, 20_000), 2);
        served(r, 50, REQUESTS, 200, 2);

        RunSummary s = summary(r);

        assertThat(s.periods().get(0).unfinished()).isZero();
        assertThat(s.periods().get(0).judged()).isTrue();
        assertThat(s.periods().get(1).unfinished()).isEqualTo(1);
    }

    @Test
    void shouldMarkThePlansInForceBetweenAScenarioChangeAndThePlanThatReactedToIt() {
        RunRecorder r = twoPlans();
        r.plan(new RunRecorder.ObservedPlan(90, ChainPlan.newBuilder(plan(3)).setTrigger(
                new PlanTrigger(TriggerKind.MIX_SHIFT, "out 20 -> 200")).build()));
        r.scenario(new RunRecorder.ScenarioEvent(30, "mix", "outputs x10"));
        served(r, 10, REQUESTS, 20, 1);
        served(r, 50, REQUESTS, 200, 2);
        served(r, 90, REQUESTS, 200, 3);

        List<String> rows = summary(r).render().lines().filter(l -> l.matches("\\s+[0-9]+ +[0-9]+\\.\\..*")).toList();

        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).endsWith("; the scenario's mix at t=30 s came under this plan");
        assertThat(rows.get(1)).endsWith("; planned after the scenario's mix at t=30 s, before plan 3 reacted to it");
        assertThat(rows.get(2)).doesNotContain("scenario's");
    }
}
