package io.chainplan.local.faults;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waiting for a condition, polled: the suite never sleeps for a fixed time to let something happen. */
final class Waits {
    private static final Duration POLL = Duration.ofMillis(50);

    private Waits() {
    }

    /**
     * @param timeout   longest wait
     * @param condition what to wait for
     * @return whether it held before the timeout
     */
    static boolean until(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(POLL.toNanos());
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("interrupted while waiting");
            }
        }
        return true;
    }

    /**
     * Lets a fault last: waits out {@code length} (the duration of an outage, not a wait for something to
     * happen).
     *
     * @param length how long
     */
    static void hold(Duration length) {
        long end = System.nanoTime() + length.toNanos();
        while (System.nanoTime() - end < 0) {
            LockSupport.parkNanos(Math.min(POLL.toNanos(), end - System.nanoTime()));
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("interrupted");
            }
        }
    }
}
