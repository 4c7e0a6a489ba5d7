package io.chainplan.optimizer.replan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.optimizer.replan.KeepOrMove.Candidate;
import io.chainplan.optimizer.replan.KeepOrMove.Outcome;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KeepOrMoveTest {
    private final KeepOrMove rule = new KeepOrMove(0.05);

    private static Candidate ok(double lower) {
        return new Candidate(Outcome.OK, lower, 1);
    }

    @Test
    void shouldMoveWhenThereIsNothingToKeep() {
        assertThat(rule.choose(Optional.empty(), ok(10)).move()).isTrue();
    }

    @Test
    void shouldMoveOnlyWhenTheGainExceedsTheThreshold() {
        assertThat(rule.choose(Optional.of(ok(10)), ok(9.4)).move()).isTrue();
        assertThat(rule.choose(Optional.of(ok(10)), ok(9.6)).move()).isFalse();
        assertThat(rule.choose(Optional.of(ok(10)), ok(11)).move()).isFalse();
    }

    @Test
    void shouldExplainTheNumbers() {
        assertThat(rule.choose(Optional.of(ok(10)), ok(9.6)).reason()).contains("keep", "10", "9.6", "4.00%");
    }

    @Test
    void shouldPreferWhicheverIsFeasibleOrStable() {
        Candidate infeasible = new Candidate(Outcome.INFEASIBLE, Double.NaN, 0);
        Candidate unstable = new Candidate(Outcome.UNSTABLE, Double.NaN, 1);
        assertThat(rule.choose(Optional.of(infeasible), unstable).move()).isTrue();
        assertThat(rule.choose(Optional.of(unstable), infeasible).move()).isFalse();
        assertThat(rule.choose(Optional.of(unstable), ok(50)).move()).isTrue();
        assertThat(rule.choose(Optional.of(ok(50)), unstable).move()).isFalse();
    }

    @Test
    void shouldCompareServiceRatesWhenBothAreUnstable() {
        assertThat(rule.choose(Optional.of(new Candidate(Outcome.UNSTABLE, Double.NaN, 1)),
                new Candidate(Outcome.UNSTABLE, Double.NaN, 1.2)).move()).isTrue();
        assertThat(rule.choose(Optional.of(new Candidate(Outcome.UNSTABLE, Double.NaN, 1)),
                new Candidate(Outcome.UNSTABLE, Double.NaN, 1.01)).move()).isFalse();
    }

    @Test
    void shouldRejectAThresholdOutsideTheUnitInterval() {
        assertThatThrownBy(() -> new KeepOrMove(1.0)).hasMessageContaining("gainThreshold");
    }
}
