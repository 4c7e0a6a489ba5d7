package io.chainplan.optimizer.replan;

import static io.chainplan.optimizer.replan.Fixtures.A;
import static io.chainplan.optimizer.replan.Fixtures.T0;
import static io.chainplan.optimizer.replan.Fixtures.basis;
import static io.chainplan.optimizer.replan.Fixtures.view;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplanPolicyTest {
    private static final long DEBOUNCE_MILLIS = 30_000;
    private final ReplanPolicy policy = new ReplanPolicy(new ReplanSettings(DEBOUNCE_MILLIS, 3_600_000, 0.1, 0.2, 0.05));

    @Test
    void shouldSolveTheFirstPlanAtOnce() {
        assertThat(policy.decide(Optional.empty(), view(1, 1, 1, A), T0)).isInstanceOf(ReplanDecision.Solve.class);
    }

    @Test
    void shouldDeferATriggerInsideTheDebounceIntervalToItsEnd() {
        ReplanDecision d = policy.decide(Optional.of(basis(1, A)), view(2, 1.8, 2.2, A), T0 + 1_000);
        assertThat(d).isEqualTo(new ReplanDecision.Defer(((ReplanDecision.Defer) d).trigger(), T0 + DEBOUNCE_MILLIS));
        assertThat(((ReplanDecision.Defer) d).trigger().kind()).isEqualTo(TriggerKind.DEMAND_SHIFT);
    }

    @Test
    void shouldSolveOnceTheIntervalHasPassed() {
        assertThat(policy.decide(Optional.of(basis(1, A)), view(2, 1.8, 2.2, A), T0 + DEBOUNCE_MILLIS))
                .isInstanceOf(ReplanDecision.Solve.class);
    }

    @Test
    void shouldHoldWhenAFlappingRateIsBackInTheBandWhenTheIntervalEnds() {
        assertThat(policy.decide(Optional.of(basis(1, A)), view(1.02, 0.9, 1.1, A), T0 + DEBOUNCE_MILLIS))
                .isInstanceOf(ReplanDecision.Hold.class);
    }

    @Test
    void shouldYieldAtMostOnePlanPerIntervalForAFlappingRate() {
        PlanBasis current = basis(1, A);
        int plans = 0;
        for (long t = T0; t < T0 + 10 * DEBOUNCE_MILLIS; t += 500) {
            double rate = (t / 500) % 2 == 0 ? 1.0 : 3.0;
            ReplanDecision d = policy.decide(Optional.of(current), view(rate, rate * 0.9, rate * 1.1, A), t);
            if (d instanceof ReplanDecision.Solve) {
                plans++;
                current = new PlanBasis(current.epoch() + 1, t, current.model(), current.servers(), rate, current.placements());
            }
        }
        assertThat(plans).isLessThanOrEqualTo(10);
    }
}
