package io.chainplan.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PoissonIntervalTest {
    @Test
    void shouldGiveTheTabulatedGarwoodIntervalForZeroEvents() {
        PoissonInterval i = PoissonInterval.garwood(0, 1, 0.95);
        assertThat(i.lowerPerSecond()).isZero();
        assertThat(i.upperPerSecond()).isCloseTo(3.6889, within(1e-4));
    }

    @Test
    void shouldGiveTheTabulatedGarwoodIntervalForTenEvents() {
        PoissonInterval i = PoissonInterval.garwood(10, 1, 0.95);
        assertThat(i.lowerPerSecond()).isCloseTo(4.7954, within(1e-4));
        assertThat(i.upperPerSecond()).isCloseTo(18.3904, within(1e-4));
    }

    @Test
    void shouldScaleWithExposure() {
        PoissonInterval i = PoissonInterval.garwood(120, 60, 0.95);
        assertThat(i.contains(2.0)).isTrue();
        assertThat(i.lowerPerSecond()).isCloseTo(1.658, within(1e-3));
        assertThat(i.upperPerSecond()).isCloseTo(2.392, within(1e-3));
    }

    @Test
    void shouldRejectANegativeCount() {
        assertThatThrownBy(() -> PoissonInterval.garwood(-1, 1, 0.95)).hasMessageContaining("count must be >= 0, was -1");
    }
}
