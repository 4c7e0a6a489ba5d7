package io.chainplan.optimizer.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.chainplan.optimizer.fleets.PaperFleets;
import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.optimizer.sim.TokenServiceModel;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GpuTimingsTest {
    private static final double TOLERANCE = 1e-9;
    private static final TokenServiceModel BLOOM = GpuTimings.serviceModel(PaperFleets.BLOOM_176B, 5e9, 0.001, 0.018, 0,
            Map.of("high", new GpuTimings.Gpu(120e12, 1.02e12, 0.010),
                    "low", new GpuTimings.Gpu(80e12, 0.51e12, 0.030)));

    @Test
    void shouldReproduceThePapersPerBlockTimesForBloom() {
        // DESIGN.md 1.3: 0.109 s and 0.175 s for 2000 input and 20 output tokens
        assertThat(BLOOM.timings("high").perBlockSeconds(2000, 20)).isCloseTo(0.109, within(5e-4));
        assertThat(BLOOM.timings("low").perBlockSeconds(2000, 20)).isCloseTo(0.175, within(5e-4));
    }

    @Test
    void shouldChargeOneRoundTripPlusOverheadPerTokenAndHop() {
        assertThat(BLOOM.timings("high").commSeconds(20)).isCloseTo(20 * 0.028, within(TOLERANCE));
        assertThat(BLOOM.timings("low").commSeconds(0)).isCloseTo(0.048, within(TOLERANCE));
    }

    @Test
    void shouldSumHopsOfTheRouteForTheRequestsOwnTokens() {
        Chain route = new Chain(List.of(new Hop("high", 0, 30), new Hop("low", 30, 70)), 1, 1.0);
        double expected = BLOOM.timings("high").commSeconds(5) + 30 * BLOOM.timings("high").perBlockSeconds(100, 5)
                + BLOOM.timings("low").commSeconds(5) + 40 * BLOOM.timings("low").perBlockSeconds(100, 5);
        assertThat(BLOOM.serviceSeconds(route, 100, 5, new SplittableRandom(1))).isCloseTo(expected, within(TOLERANCE));
    }

    @Test
    void shouldAddThePassOverheadOncePerForwardPass() {
        TokenServiceModel withOverhead = GpuTimings.serviceModel(PaperFleets.BLOOM_176B, 5e9, 0.001, 0.018, 0.002,
                Map.of("high", new GpuTimings.Gpu(120e12, 1.02e12, 0.010)));
        assertThat(withOverhead.timings("high").perBlockSeconds(2000, 20) - BLOOM.timings("high").perBlockSeconds(2000, 20))
                .isCloseTo(20 * 0.002, within(TOLERANCE));
    }

    @Test
    void shouldNameAServerWithoutGpuParameters() {
        assertThatThrownBy(() -> BLOOM.timings("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope");
    }
}
