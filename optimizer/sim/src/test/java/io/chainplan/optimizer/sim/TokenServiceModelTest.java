package io.chainplan.optimizer.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.TokenTimings;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenServiceModelTest {
    private static final double TOLERANCE = 1e-9;
    private static final SplittableRandom UNUSED = new SplittableRandom(1);

    private static final ModelSpec MODEL = new ModelSpec("m", 70, 1, 1);

    private static Fleet fleet(Server... servers) {
        return new Fleet(MODEL, List.of(servers), 0.1, Fleet.DEFAULT_TARGET_LOAD);
    }

    @Test
    void shouldGiveTheChainServiceTimeForTheReferenceRequest() {
        Chain chain = new Chain(List.of(new Hop("a", 0, 30), new Hop("b", 30, 70)), 1, 10.0);
        Fleet fleet = fleet(new Server("a", 1, 1.0, 0.109), new Server("b", 1, 0.5, 0.175));
        double t = TokenServiceModel.paperDefaults(fleet).serviceSeconds(chain, 2000, 20, UNUSED);
        assertThat(t).isCloseTo(1.0 + 30 * 0.109 + 0.5 + 40 * 0.175, offset(TOLERANCE));
    }

    @Test
    void shouldReproduceThePaperFormulaForTheHighPerformanceServer() {
        // t_o + l_in F / f + (l_out - 1) s_m / b with f = 120 TFLOPS, b = 1.02 GB/ms, for 1000 in / 50 out
        double expected = 0.001 + 1000 * 5e9 / 120e12 + 49 * 1.32e9 / 1.02e12;
        Chain chain = new Chain(List.of(new Hop("a", 0, 1)), 1, 1);
        Fleet fleet = fleet(new Server("a", 1, 0.0, 0.001 + 2000 * 5e9 / 120e12 + 19 * 1.32e9 / 1.02e12));
        TokenServiceModel m = TokenServiceModel.fromReference(fleet, 0.001, 2000, 20, (2000 * 5e9 / 120e12)
                / (2000 * 5e9 / 120e12 + 19 * 1.32e9 / 1.02e12));
        assertThat(m.serviceSeconds(chain, 1000, 50, UNUSED)).isCloseTo(expected, offset(TOLERANCE));
    }

    @Test
    void shouldScaleCommunicationWithOutputTokens() {
        Chain chain = new Chain(List.of(new Hop("a", 0, 1)), 1, 1);
        TokenServiceModel m = TokenServiceModel.fromReference(fleet(new Server("a", 1, 2.0, 0.001)), 0.001, 2000, 20, 0.5);
        assertThat(m.serviceSeconds(chain, 2000, 40, UNUSED)).isCloseTo(4.0 + 0.001, offset(TOLERANCE));
    }

    @Test
    void shouldAddNoiseWithMeanOneOnComputeAndNetwork() {
        Chain chain = new Chain(List.of(new Hop("a", 0, 10)), 1, 1);
        TokenTimings t = new TokenTimings(0.01, 0, 0, 0.5, 0);
        TokenServiceModel noisy = new TokenServiceModel("noisy", Map.of("a", t), 0.1, 0.1);
        SplittableRandom random = new SplittableRandom(7);
        double sum = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            sum += noisy.serviceSeconds(chain, 1, 1, random);
        }
        assertThat(sum / n).isCloseTo(10 * 0.01 + 0.5, offset(0.005));
        assertThat(noisy.serviceSeconds(chain, 1, 1, new SplittableRandom(1)))
                .isEqualTo(noisy.serviceSeconds(chain, 1, 1, new SplittableRandom(1)));
    }

    @Test
    void shouldNameAServerWithoutTimingsAndRejectBadParameters() {
        Chain chain = new Chain(List.of(new Hop("zz", 0, 1)), 1, 1);
        assertThatThrownBy(() -> TokenServiceModel.paperDefaults(fleet(new Server("a", 1, 0, 1)))
                .serviceSeconds(chain, 1, 1, UNUSED)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zz");
        Fleet one = fleet(new Server("a", 1, 0, 1));
        assertThatThrownBy(() -> TokenServiceModel.fromReference(one, 0, 10, 1, 0.5)).hasMessageContaining("referenceOutputTokens");
        assertThatThrownBy(() -> TokenServiceModel.fromReference(one, 0, 10, 10, 1.5)).hasMessageContaining("prefillShare");
        assertThatThrownBy(() -> new TokenServiceModel("x", Map.of(), -1, 0)).hasMessageContaining("noise");
    }
}
