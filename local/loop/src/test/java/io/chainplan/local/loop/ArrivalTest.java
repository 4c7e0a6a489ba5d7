package io.chainplan.local.loop;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ArrivalTest {
    @Test
    void shouldTruncateThePromptToWhatTheContextLeavesAndKeepARequestThatFits() {
        Arrival fits = new Arrival(1.5, 2000, 20);
        assertThat(fits.fittedTo(2048)).isSameAs(fits);
        assertThat(new Arrival(1.5, 2500, 20).fittedTo(2048)).isEqualTo(new Arrival(1.5, 2028, 20));
        assertThat(new Arrival(1.5, 4808, 3000).fittedTo(2048)).isEqualTo(new Arrival(1.5, 1, 2047));
    }
}
