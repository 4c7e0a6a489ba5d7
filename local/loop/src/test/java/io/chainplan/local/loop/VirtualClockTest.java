package io.chainplan.local.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VirtualClockTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final VirtualClock clock = new VirtualClock(1_700_000_000_000L, 10, nanos::get);

    @Test
    void shouldRunAtWallSpeedUntilAcceleratedThenSpeedupTimesFaster() {
        nanos.addAndGet(2_000_000_000L);
        assertThat(clock.elapsedSeconds()).isEqualTo(2.0);
        clock.accelerate();
        nanos.addAndGet(3_000_000_000L);
        assertThat(clock.elapsedSeconds()).isEqualTo(32.0);
        assertThat(clock.millis()).isEqualTo(1_700_000_000_000L + 32_000);
        assertThat(clock.wallElapsedSeconds()).isEqualTo(5.0);
    }

    @Test
    void shouldRunAtWallSpeedWhileHeldBackAndKeepTheVirtualTimeReachedWhenReleased() {
        clock.accelerate();
        nanos.addAndGet(1_000_000_000L);
        assertThat(clock.elapsedSeconds()).isEqualTo(10.0);
        clock.holdBack(true);
        assertThat(clock.heldBack()).isTrue();
        nanos.addAndGet(2_000_000_000L);
        assertThat(clock.elapsedSeconds()).isEqualTo(12.0);
        assertThat(clock.wallNanosUntil(13)).isEqualTo(1_000_000_000L);
        clock.holdBack(false);
        nanos.addAndGet(1_000_000_000L);
        assertThat(clock.elapsedSeconds()).isEqualTo(22.0);
        assertThat(clock.heldBack()).isFalse();
        assertThat(clock.heldBackWallSeconds()).isEqualTo(2.0);
        clock.holdBack(true);
        nanos.addAndGet(500_000_000L);
        assertThat(clock.heldBackWallSeconds()).as("the open hold counts").isEqualTo(2.5);
    }

    @Test
    void shouldConvertBetweenVirtualSecondsAndEpochMillisAndScaleSettingsToTheWallClock() {
        assertThat(clock.toMillis(1.5)).isEqualTo(1_700_000_001_500L);
        assertThat(clock.toVirtualSeconds(1_700_000_001_500L)).isEqualTo(1.5);
        assertThat(clock.toWall(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(3));
        clock.accelerate();
        assertThat(clock.wallNanosUntil(10)).isEqualTo(1_000_000_000L);
    }

    @Test
    void shouldDriveKafkasTimeWithTheVirtualClock() {
        VirtualKafkaTime time = new VirtualKafkaTime(clock.accelerate());
        long before = time.milliseconds();
        nanos.addAndGet(100_000_000L);
        assertThat(time.milliseconds() - before).isEqualTo(1000);
        assertThat(time.nanoseconds()).isEqualTo(1_700_000_000_000L * 1_000_000L + 1_000_000_000L);
    }

    @Test
    void shouldRejectASpeedupBelowOne() {
        assertThatThrownBy(() -> new VirtualClock(0, 0.5, nanos::get)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("speedup").hasMessageContaining("0.5");
    }
}
