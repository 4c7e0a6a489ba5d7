package io.chainplan.local.loop;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The accelerated clock of {@code chainplan local}: virtual time starts at a fixed virtual origin,
 * runs at wall speed while the services start, and {@code speedup} times as fast as the wall clock from
 * {@link #accelerate()} on. Every event the simulated fleet and router emit
 * carries a virtual timestamp, so Kafka Streams windows (event time) see the simulated rates; the
 * wall-clock settings of the services (liveness punctuator, debounce, poll) are divided by the
 * speedup with {@link #toWall(Duration)} so that both kinds of time agree.
 * <p>While the services lag behind the simulation (for example before the first plan, on a busy machine)
 * the loop can {@linkplain #holdBack(boolean) hold the clock back} to wall speed, so that their delay
 * costs the simulated fleet as many seconds as it costs on the wall, not {@code speedup} times more.
 * Virtual time never stands still (Kafka Streams' commits and punctuators run on it).
 * <p>Thread-safe: the current rate segment is one immutable value.
 */
public final class VirtualClock implements InstantSource {
    /**
     * Virtual time runs at {@code rate} virtual seconds per wall second from {@code startNanos} on.
     *
     * @param startNanos   wall nanoseconds at the segment's start
     * @param startSeconds virtual seconds since the origin at its start
     * @param rate         virtual seconds per wall second
     * @param accelerated  whether {@link #accelerate()} has been called
     * @param heldBack     whether the loop holds the clock back to wall speed
     */
    private record Segment(long startNanos, double startSeconds, double rate, boolean accelerated, boolean heldBack) {
        double at(long now) {
            return startSeconds + (now - startNanos) * 1e-9 * rate;
        }
    }

    private final long originMillis;
    private final double speedup;
    private final LongSupplier nanos;
    private final long startNanos;
    private volatile Segment segment;
    /** Wall nanoseconds of the segments that ended held back, once accelerated. */
    private long heldBackNanos;

    /**
     * @param originMillis virtual time at the start, ms since the epoch
     * @param speedup      virtual seconds per wall second once accelerated, {@code >= 1}
     * @param nanos        monotonic wall nanoseconds, e.g. {@code System::nanoTime}
     */
    public VirtualClock(long originMillis, double speedup, LongSupplier nanos) {
        if (!(speedup >= 1 && Double.isFinite(speedup))) {
            throw new IllegalArgumentException("speedup must be finite and >= 1, was " + speedup);
        }
        this.originMillis = originMillis;
        this.speedup = speedup;
        this.nanos = Objects.requireNonNull(nanos, "nanos");
        this.startNanos = nanos.getAsLong();
        this.segment = new Segment(startNanos, 0, 1, false, false);
    }

    /**
     * A clock starting now (wall time) at virtual origin {@code originMillis}.
     *
     * @param originMillis virtual time at the start, ms since the epoch
     * @param speedup      virtual seconds per wall second
     * @return the clock
     */
    public static VirtualClock startingNow(long originMillis, double speedup) {
        return new VirtualClock(originMillis, speedup, System::nanoTime);
    }

    /**
     * From now on, virtual time runs {@code speedup} times as fast as the wall clock (unless held back).
     * Idempotent.
     *
     * @return this
     */
    public synchronized VirtualClock accelerate() {
        if (!segment.accelerated()) {
            change(true, segment.heldBack());
        }
        return this;
    }

    /**
     * Holds an accelerated clock back to wall speed, or lets it run at {@code speedup} again. Idempotent.
     *
     * @param held whether virtual time should run at wall speed
     */
    public synchronized void holdBack(boolean held) {
        if (segment.heldBack() != held) {
            change(segment.accelerated(), held);
        }
    }

    /**
     * @return whether the clock is held back to wall speed
     */
    public boolean heldBack() {
        return segment.heldBack();
    }

    /**
     * @return wall seconds the accelerated clock has been held back to wall speed so far
     */
    public synchronized double heldBackWallSeconds() {
        Segment s = segment;
        long open = s.accelerated() && s.heldBack() ? nanos.getAsLong() - s.startNanos() : 0;
        return (heldBackNanos + open) * 1e-9;
    }

    private void change(boolean accelerated, boolean heldBack) {
        long now = nanos.getAsLong();
        if (segment.accelerated() && segment.heldBack()) {
            heldBackNanos += now - segment.startNanos();
        }
        double rate = accelerated && !heldBack ? speedup : 1;
        segment = new Segment(now, segment.at(now), rate, accelerated, heldBack);
    }

    /**
     * @return virtual seconds per wall second (once accelerated)
     */
    public double speedup() {
        return speedup;
    }

    /**
     * @return the virtual origin, ms since the epoch
     */
    public long originMillis() {
        return originMillis;
    }

    /**
     * Virtual seconds elapsed since the origin.
     *
     * @return seconds, {@code >= 0}
     */
    public double elapsedSeconds() {
        return segment.at(nanos.getAsLong());
    }

    /**
     * Wall seconds elapsed since the start.
     *
     * @return seconds
     */
    public double wallElapsedSeconds() {
        return (nanos.getAsLong() - startNanos) * 1e-9;
    }

    /**
     * Converts a virtual offset from the origin to epoch milliseconds.
     *
     * @param virtualSeconds seconds since the origin
     * @return ms since the epoch
     */
    public long toMillis(double virtualSeconds) {
        return originMillis + Math.round(virtualSeconds * 1000.0);
    }

    /**
     * Converts epoch milliseconds of virtual time to seconds since the origin.
     *
     * @param millis virtual ms since the epoch
     * @return seconds since the origin
     */
    public double toVirtualSeconds(long millis) {
        return (millis - originMillis) / 1000.0;
    }

    /**
     * Wall nanoseconds to wait until virtual time {@code virtualSeconds} is reached.
     *
     * @param virtualSeconds target, seconds since the origin
     * @return nanoseconds, {@code <= 0} if already reached
     */
    public long wallNanosUntil(double virtualSeconds) {
        Segment now = segment;
        return (long) ((virtualSeconds - now.at(nanos.getAsLong())) / now.rate() * 1e9);
    }

    /**
     * Scales a virtual duration (a setting meant in simulated time) to the wall clock.
     *
     * @param virtual the duration in virtual time
     * @return the wall duration, at least 1 ms
     */
    public Duration toWall(Duration virtual) {
        return Duration.ofMillis(Math.max(1, Math.round(virtual.toMillis() / speedup)));
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public long millis() {
        return toMillis(elapsedSeconds());
    }
}
