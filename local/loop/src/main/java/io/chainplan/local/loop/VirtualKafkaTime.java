package io.chainplan.local.loop;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.utils.Time;

/**
 * Kafka's {@link Time} over a {@link VirtualClock}, handed to the in-process telemetry-ingest
 * ({@code new KafkaStreams(topology, props, time)}) so that its wall-clock parts (the liveness
 * punctuator, {@code currentSystemTimeMs()}, the far-future check, commit interval) run in the same
 * simulated time as the events: a server is DOWN after 30 simulated seconds of silence, as configured.
 * Sleeps and waits last their virtual length divided by the speedup.
 */
public final class VirtualKafkaTime implements Time {
    private final VirtualClock clock;

    /**
     * @param clock the run's clock
     */
    public VirtualKafkaTime(VirtualClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public long milliseconds() {
        return clock.millis();
    }

    @Override
    public long nanoseconds() {
        return clock.originMillis() * 1_000_000L + (long) (clock.elapsedSeconds() * 1e9);
    }

    @Override
    public void sleep(long ms) {
        long wall = Math.max(0, Math.round(ms / clock.speedup()));
        try {
            TimeUnit.MILLISECONDS.sleep(wall);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void waitObject(Object obj, Supplier<Boolean> condition, long deadlineMs) throws InterruptedException {
        synchronized (obj) {
            while (!condition.get()) {
                long left = deadlineMs - milliseconds();
                if (left <= 0) {
                    throw new TimeoutException("condition not met within the timeout");
                }
                obj.wait(Math.max(1, Math.round(left / clock.speedup())));
            }
        }
    }
}
