package io.chainplan.optimizer.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.optimizer.model.BlockRange;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.ServerPlacement;
import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.optimizer.replan.DemandView;
import io.chainplan.optimizer.replan.InputView;
import io.chainplan.optimizer.replan.PlanBasis;
import io.chainplan.optimizer.replan.ReplanDecision;
import io.chainplan.optimizer.replan.ReplanPolicy;
import io.chainplan.optimizer.replan.ReplanSettings;
import io.chainplan.optimizer.replan.TriggerKind;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The scheduler's bookkeeping on a fake clock: time is a number the test moves. */
class ReplanSchedulerTest {
    private static final long MIN_INTERVAL = 30_000;
    private static final long MAX_AGE = 3_600_000;
    private static final ReplanSettings SETTINGS = new ReplanSettings(MIN_INTERVAL, MAX_AGE, 0.10, 0.20, 0.05);
    private static final ModelSpec MODEL = new ModelSpec("m", 8, 1_000_000_000L, 50_000_000L);
    private static final Server SERVER = new Server("s1", 40_000_000_000L, 0.05, 0.1);
    private static final long T0 = 1_000_000;

    private final ReplanScheduler scheduler = new ReplanScheduler(new ReplanPolicy(SETTINGS), MAX_AGE);
    private long now = T0;

    private static InputView view(double rate) {
        return new InputView(MODEL, List.of(SERVER), new DemandView(rate, rate * 0.99, rate * 1.01));
    }

    private static Optional<PlanBasis> planAt(long createdAt, double rate) {
        return Optional.of(new PlanBasis(1, createdAt, MODEL, List.of(SERVER), rate,
                List.of(new ServerPlacement("s1", new BlockRange(0, 8), 100))));
    }

    @Test
    void shouldSolveAModelWithoutAPlanAtOnce() {
        scheduler.markDirty("m");
        assertThat(scheduler.isCandidate("m", now)).isTrue();

        ReplanScheduler.Step s = scheduler.evaluate("m", view(1), Optional.empty(), now);

        assertThat(s.decision()).isInstanceOf(ReplanDecision.Solve.class);
        assertThat(((ReplanDecision.Solve) s.decision()).trigger().kind()).isEqualTo(TriggerKind.INITIAL);
        assertThat(scheduler.isCandidate("m", now)).as("no longer dirty").isFalse();
    }

    private static InputView declared(Server... servers) {
        return new InputView(MODEL, List.of(servers), DemandView.declared(2, TokenMix.UNKNOWN));
    }

    @Test
    void shouldWaitForTheFleetToSettleBeforeAFirstPlanFromADeclaredRate() {
        Server second = new Server("s2", 40_000_000_000L, 0.05, 0.1);
        long settle = SETTINGS.fleetSettleMillis();

        ReplanScheduler.Step first = scheduler.evaluate("m", declared(SERVER), Optional.empty(), now);
        assertThat(first.decision()).isInstanceOf(ReplanDecision.Defer.class);
        assertThat(((ReplanDecision.Defer) first.decision()).trigger().detail()).contains("still reporting");
        assertThat(scheduler.dueAt("m")).hasValue(T0 + settle);

        // a second server reports before the first has settled: the wait starts again from its report
        now += settle - 1;
        ReplanScheduler.Step grown = scheduler.evaluate("m", declared(SERVER, second), Optional.empty(), now);
        assertThat(grown.decision()).isInstanceOf(ReplanDecision.Defer.class);
        assertThat(scheduler.dueAt("m")).hasValue(now + settle);

        // nothing changed for the settle time: the first plan, of both servers
        now += settle;
        assertThat(scheduler.isCandidate("m", now)).isTrue();
        ReplanScheduler.Step settled = scheduler.evaluate("m", declared(SERVER, second), Optional.empty(), now);
        assertThat(settled.decision()).isInstanceOf(ReplanDecision.Solve.class);
        assertThat(((ReplanDecision.Solve) settled.decision()).trigger().kind()).isEqualTo(TriggerKind.INITIAL);
    }

    @Test
    void shouldNotWaitForTheFleetWithADemandEstimateOrAPlan() {
        assertThat(scheduler.evaluate("m", view(1), Optional.empty(), now).decision())
                .as("a first plan from an estimate: traffic is served").isInstanceOf(ReplanDecision.Solve.class);
        now += MIN_INTERVAL;
        assertThat(scheduler.evaluate("m", declared(SERVER), planAt(T0, 1), now).decision())
                .as("a plan exists: the fleet has been planned once").isNotInstanceOf(ReplanDecision.Defer.class);
    }

    @Test
    void shouldBeDueAtTheMaximumAgeAfterPublishing() {
        scheduler.published("m", now);

        assertThat(scheduler.dueAt("m")).hasValue(T0 + MAX_AGE);
        assertThat(scheduler.isCandidate("m", T0 + MAX_AGE - 1)).isFalse();
        assertThat(scheduler.isCandidate("m", T0 + MAX_AGE)).isTrue();
    }

    @Test
    void shouldHoldAPlanThatStillFitsAndBeDueAtItsMaximumAge() {
        scheduler.markDirty("m");
        now += 1_000;

        ReplanScheduler.Step s = scheduler.evaluate("m", view(1.05), planAt(T0, 1), now);

        assertThat(s.decision()).isInstanceOf(ReplanDecision.Hold.class);
        assertThat(s.newDeferral()).isFalse();
        assertThat(scheduler.dueAt("m")).hasValue(T0 + MAX_AGE);
        assertThat(scheduler.isCandidate("m", now)).isFalse();
    }

    @Test
    void shouldDeferATriggerInsideTheDebounceIntervalAndCountTheDeferralOnce() {
        now += 1_000;
        ReplanScheduler.Step first = scheduler.evaluate("m", view(2), planAt(T0, 1), now);

        assertThat(first.decision()).isInstanceOf(ReplanDecision.Defer.class);
        assertThat(first.newDeferral()).isTrue();
        assertThat(scheduler.dueAt("m")).hasValue(T0 + MIN_INTERVAL);

        now += 1_000;
        scheduler.markDirty("m");
        ReplanScheduler.Step again = scheduler.evaluate("m", view(2.1), planAt(T0, 1), now);
        assertThat(again.decision()).isInstanceOf(ReplanDecision.Defer.class);
        assertThat(again.newDeferral()).as("same due time").isFalse();

        assertThat(scheduler.isCandidate("m", T0 + MIN_INTERVAL - 1)).isFalse();
        now = T0 + MIN_INTERVAL;
        assertThat(scheduler.isCandidate("m", now)).isTrue();
        ReplanScheduler.Step due = scheduler.evaluate("m", view(2.1), planAt(T0, 1), now);
        assertThat(due.decision()).isInstanceOf(ReplanDecision.Solve.class);
        assertThat(((ReplanDecision.Solve) due.decision()).trigger().kind()).isEqualTo(TriggerKind.DEMAND_SHIFT);
    }

    @Test
    void shouldSolveAnAgedPlanWhenItsDueTimeComes() {
        scheduler.evaluate("m", view(1), planAt(T0, 1), now);
        now = T0 + MAX_AGE;

        assertThat(scheduler.isCandidate("m", now)).isTrue();
        ReplanScheduler.Step s = scheduler.evaluate("m", view(1), planAt(T0, 1), now);
        assertThat(((ReplanDecision.Solve) s.decision()).trigger().kind()).isEqualTo(TriggerKind.MAX_AGE);
    }

    @Test
    void shouldMakeEveryModelACandidateUntilSettled() {
        scheduler.markAllDirty();
        assertThat(scheduler.isCandidate("a", now)).isTrue();
        assertThat(scheduler.isCandidate("b", now)).isTrue();

        scheduler.markDirty("a");
        scheduler.settled();

        assertThat(scheduler.isCandidate("a", now)).as("dirty marks cleared too").isFalse();
        assertThat(scheduler.isCandidate("b", now)).isFalse();
    }

    @Test
    void shouldForgetTheDueTimeOfAModelWithoutAView() {
        scheduler.published("m", now);
        scheduler.markDirty("m");

        scheduler.withoutView("m");

        assertThat(scheduler.dueAt("m")).isEqualTo(OptionalLong.empty());
        assertThat(scheduler.isCandidate("m", T0 + 2 * MAX_AGE)).isFalse();
    }
}
