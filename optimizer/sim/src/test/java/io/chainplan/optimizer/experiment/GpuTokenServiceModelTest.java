package io.chainplan.optimizer.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.chainplan.optimizer.fleets.PaperFleets;
import io.chainplan.optimizer.sim.SimHop;
import io.chainplan.optimizer.sim.SimRoute;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GpuTokenServiceModelTest {
    private static final double TOLERANCE = 1e-9;
    private static final GpuTokenServiceModel BLOOM = new GpuTokenServiceModel(PaperFleets.BLOOM_176B, 5e9, 0.001, 0.018, 0,
            Map.of("high", new GpuTokenServiceModel.Gpu(120e12, 1.02e12, 0.010),
                    "low", new GpuTokenServiceModel.Gpu(80e12, 0.51e12, 0.030)));

    @Test
    void shouldReproduceThePapersPerBlockTimesForBloom() {
        // DESIGN.md 1.3: 0.109 s and 0.175 s for 2000 input and 20 output tokens
        assertThat(BLOOM.perBlockSeconds("high", 2000, 20)).isCloseTo(0.109, within(5e-4));
        assertThat(BLOOM.perBlockSeconds("low", 2000, 20)).isCloseTo(0.175, within(5e-4));
    }

    @Test
    void shouldChargeOneRoundTripPlusOverheadPerTokenAndHop() {
        assertThat(BLOOM.commSeconds("high", 20)).isCloseTo(20 * 0.028, within(TOLERANCE));
        assertThat(BLOOM.commSeconds("low", 0)).isCloseTo(0.048, within(TOLERANCE));
    }

    @Test
    void shouldSumHopsOfTheRouteForTheRequestsOwnTokens() {
        SimRoute route = new SimRoute(1.0, List.of(new SimHop("high", 30, 0, 1), new SimHop("low", 40, 0, 1)));
        double expected = BLOOM.commSeconds("high", 5) + 30 * BLOOM.perBlockSeconds("high", 100, 5)
                + BLOOM.commSeconds("low", 5) + 40 * BLOOM.perBlockSeconds("low", 100, 5);
        assertThat(BLOOM.serviceSeconds(route, 100, 5, new SplittableRandom(1))).isCloseTo(expected, within(TOLERANCE));
    }

    @Test
    void shouldAddThePassOverheadOncePerForwardPass() {
        GpuTokenServiceModel withOverhead = new GpuTokenServiceModel(PaperFleets.BLOOM_176B, 5e9, 0.001, 0.018, 0.002,
                Map.of("high", new GpuTokenServiceModel.Gpu(120e12, 1.02e12, 0.010)));
        assertThat(withOverhead.perBlockSeconds("high", 2000, 20) - BLOOM.perBlockSeconds("high", 2000, 20))
                .isCloseTo(20 * 0.002, within(TOLERANCE));
    }

    @Test
    void shouldNameAServerWithoutGpuParameters() {
        assertThatThrownBy(() -> BLOOM.perBlockSeconds("nope", 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope");
    }
}
