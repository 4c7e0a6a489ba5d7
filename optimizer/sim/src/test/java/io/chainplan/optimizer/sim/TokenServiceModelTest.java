package io.chainplan.optimizer.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenServiceModelTest {
    private static final double TOLERANCE = 1e-9;
    private static final SplittableRandom UNUSED = new SplittableRandom(1);

    @Test
    void shouldGiveTheChainServiceTimeForTheReferenceRequest() {
        SimRoute route = new SimRoute(10.0, List.of(new SimHop("a", 30, 1.0, 0.109), new SimHop("b", 40, 0.5, 0.175)));
        double t = TokenServiceModel.paperDefaults().serviceSeconds(route, 2000, 20, UNUSED);
        assertThat(t).isCloseTo(1.0 + 30 * 0.109 + 0.5 + 40 * 0.175, offset(TOLERANCE));
    }

    @Test
    void shouldReproduceThePaperFormulaForTheHighPerformanceServer() {
        // t_o + l_in F / f + (l_out - 1) s_m / b with f = 120 TFLOPS, b = 1.02 GB/ms, for 1000 in / 50 out
        double expected = 0.001 + 1000 * 5e9 / 120e12 + 49 * 1.32e9 / 1.02e12;
        SimRoute route = new SimRoute(1, List.of(new SimHop("a", 1, 0.0, 0.001 + 2000 * 5e9 / 120e12 + 19 * 1.32e9 / 1.02e12)));
        TokenServiceModel m = new TokenServiceModel(0.001, 2000, 20, (2000 * 5e9 / 120e12)
                / (2000 * 5e9 / 120e12 + 19 * 1.32e9 / 1.02e12));
        assertThat(m.serviceSeconds(route, 1000, 50, UNUSED)).isCloseTo(expected, offset(TOLERANCE));
    }

    @Test
    void shouldScaleCommunicationWithOutputTokens() {
        SimRoute route = new SimRoute(1, List.of(new SimHop("a", 1, 2.0, 0.001)));
        TokenServiceModel m = new TokenServiceModel(0.001, 2000, 20, 0.5);
        assertThat(m.serviceSeconds(route, 2000, 40, UNUSED)).isCloseTo(4.0 + 0.001, offset(TOLERANCE));
    }

    @Test
    void shouldRejectRoutesWithoutHopsAndBadParameters() {
        assertThatThrownBy(() -> TokenServiceModel.paperDefaults().serviceSeconds(SimRoute.ofMean(1), 1, 1, UNUSED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hops");
        assertThatThrownBy(() -> new TokenServiceModel(0, 10, 1, 0.5)).hasMessageContaining("referenceOutputTokens");
        assertThatThrownBy(() -> new TokenServiceModel(0, 10, 10, 1.5)).hasMessageContaining("prefillShare");
    }
}
