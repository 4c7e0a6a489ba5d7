package io.chainplan.ingest.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GammaTest {
    @Test
    void shouldMatchKnownLogGammaValues() {
        assertThat(Gamma.logGamma(1)).isCloseTo(0, within(1e-12));
        assertThat(Gamma.logGamma(5)).isCloseTo(Math.log(24), within(1e-12));
        assertThat(Gamma.logGamma(0.5)).isCloseTo(0.5 * Math.log(Math.PI), within(1e-12));
        assertThat(Gamma.logGamma(171)).isCloseTo(706.5730622457874, within(1e-9));
    }

    @Test
    void shouldMatchKnownIncompleteGammaValues() {
        assertThat(Gamma.regularizedP(1, 1)).isCloseTo(1 - Math.exp(-1), within(1e-13));
        // P(3, 2) = 1 - e^-2 (1 + 2 + 2)
        assertThat(Gamma.regularizedP(3, 2)).isCloseTo(1 - Math.exp(-2) * 5, within(1e-13));
        assertThat(Gamma.regularizedP(10, 30)).isCloseTo(0.9999929, within(1e-6));
    }

    @Test
    void shouldInvertTheIncompleteGammaFunction() {
        for (double a : new double[] {0.5, 1, 3, 20, 121, 5000, 20000}) {
            for (double p : new double[] {0.025, 0.5, 0.975}) {
                double x = Gamma.inverseP(p, a);
                double tolerance = a > Gamma.LARGE_SHAPE ? 1e-4 : 1e-9;
                assertThat(Gamma.regularizedP(a, x)).as("a=%s p=%s", a, p).isCloseTo(p, within(tolerance));
            }
        }
    }

    @Test
    void shouldGiveKnownNormalQuantiles() {
        assertThat(Gamma.normalQuantile(0.975)).isCloseTo(1.959963985, within(1e-8));
        assertThat(Gamma.normalQuantile(0.5)).isCloseTo(0, within(1e-12));
        assertThat(Gamma.normalQuantile(0.001)).isCloseTo(-3.090232306, within(1e-8));
    }

    @Test
    void shouldRejectInvalidArguments() {
        assertThatThrownBy(() -> Gamma.regularizedP(0, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a must");
        assertThatThrownBy(() -> Gamma.inverseP(1, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("p must");
    }
}
