package io.chainplan.optimizer.replan;

import static io.chainplan.optimizer.replan.Fixtures.A;
import static io.chainplan.optimizer.replan.Fixtures.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.optimizer.arrival.ArrivalModel;
import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.optimizer.model.TokenTimings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputViewTest {
    private static final TokenTimings A_TOKENS = new TokenTimings(0.001, 7.3e-6, 4.4e-4, 0.02, 0.02);
    /** Only a decode cost: tau_p = 0 for a request of one output token. */
    private static final TokenTimings DECODE_ONLY = new TokenTimings(0, 0, 4.4e-4, 0.02, 0.02);

    private static DemandView demand(TokenMix mix) {
        return new DemandView(1.0, 0.9, 1.1, new ArrivalModel.Poisson(1.0), "", mix);
    }

    @Test
    void shouldEvaluateTheServersWithCoefficientsAtTheDemandsMixAndKeepTheOthers() {
        InputView v = InputView.atDemandMix(Fixtures.MODEL, List.of(B, A), Map.of("a", A_TOKENS),
                demand(new TokenMix(1000, 200)));
        assertThat(v.upServers()).containsExactly(A_TOKENS.server("a", A.memoryBytes(), 1000, 200), B);
        assertThat(v.upServers().get(0).commSeconds()).isEqualTo(0.02 + 0.02 * 199);
        assertThat(v.evaluatedTimings()).containsOnlyKeys("a");
    }

    @Test
    void shouldKeepTheEstimateWhereTheCoefficientsGiveNoComputeTime() {
        InputView v = InputView.atDemandMix(Fixtures.MODEL, List.of(A), Map.of("a", DECODE_ONLY),
                demand(new TokenMix(1000, 2)));
        assertThat(v.upServers().get(0).perBlockComputeSeconds()).isEqualTo(4.4e-4);
        // a mix of prompts only cannot be planned from these coefficients: tau_p would be 0
        assertThat(InputView.evaluates(DECODE_ONLY, new TokenMix(1000, 1))).isFalse();
    }

    @Test
    void shouldRefuseCoefficientsOfAServerThatIsNotInTheView() {
        assertThatThrownBy(() -> new InputView(Fixtures.MODEL, List.of(A), DemandView.exact(1),
                Map.of("b", A_TOKENS))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenTimings names server b");
    }
}
