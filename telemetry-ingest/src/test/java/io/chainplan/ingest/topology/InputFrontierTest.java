package io.chainplan.ingest.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.ingest.estimate.LivenessClock;
import org.junit.jupiter.api.Test;

class InputFrontierTest {
    @Test
    void shouldNeverPassTheWallClockAndRememberWhereTheInputsResumedAfterAStop() {
        InputFrontier f = new InputFrontier(30_000);
        f.advance(1_000, 1_000);
        assertThat(f.clock(2_000)).isEqualTo(new LivenessClock(2_000, 1_000, 1_000));
        f.advance(400_000, 20_000);
        assertThat(f.clock(20_000).frontierMillis()).as("never ahead of the wall clock").isEqualTo(20_000);
        assertThat(f.clock(20_000).resumedMillis()).as("a 19 s step is no stop").isEqualTo(1_000);
        f.advance(10_000, 25_000);
        assertThat(f.clock(25_000).frontierMillis()).as("never back").isEqualTo(20_000);
        f.advance(120_000, 120_000);
        assertThat(f.clock(120_000)).as("100 s without input: resumed at 120 s")
                .isEqualTo(new LivenessClock(120_000, 120_000, 120_000));
    }
}
