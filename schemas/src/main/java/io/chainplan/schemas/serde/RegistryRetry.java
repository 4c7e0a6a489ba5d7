package io.chainplan.schemas.serde;

import io.chainplan.schemas.registry.SchemaRegistryException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.ExponentialBackoff;

/**
 * How the serdes wait out a transient schema-registry failure
 * ({@link SchemaRegistryException#isTransient()}: no answer, 5xx, 408, 429): the call is repeated
 * after exponentially growing pauses (Kafka's {@link ExponentialBackoff}, doubling from
 * {@code initialBackoff} up to {@code maxBackoff}, 20% jitter) until it succeeds, fails with a
 * non-transient answer, or the next pause would end after {@code maxWait} since the first attempt;
 * then the last failure is thrown. Bounded on purpose: a consumer must not block its poll loop (or
 * a Kafka Streams task its transaction) for long, so after {@code maxWait} it stops and reads the
 * record again later (see {@link RegistryUnavailableException}).
 *
 * @param initialBackoff first pause
 * @param maxBackoff     longest pause
 * @param maxWait        longest time from the first attempt to the last
 */
public record RegistryRetry(Duration initialBackoff, Duration maxBackoff, Duration maxWait) {
    /** 100 ms doubling to 2 s, for at most 5 s (below Kafka Streams' 10 s exactly-once transaction timeout). */
    public static final RegistryRetry DEFAULT = new RegistryRetry(Duration.ofMillis(100), Duration.ofSeconds(2),
            Duration.ofSeconds(5));
    /** One attempt, no wait: for unit tests of what happens after the retries. */
    public static final RegistryRetry NONE = new RegistryRetry(Duration.ZERO, Duration.ZERO, Duration.ZERO);

    /** Validates the durations. */
    public RegistryRetry {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxWait, "maxWait");
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || maxWait.isNegative()) {
            throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff and maxWait >= 0, were "
                    + initialBackoff + ", " + maxBackoff + ", " + maxWait);
        }
    }

    /**
     * Calls {@code call}, repeating it after pauses while it fails transiently.
     *
     * @param call a registry call
     * @param <T>  its result
     * @return its first result
     * @throws SchemaRegistryException the last failure (transient ones only after {@code maxWait}),
     *                                 or at once a non-transient one; an interrupt ends the waiting
     *                                 (the flag stays set) with the last failure
     */
    public <T> T call(Supplier<T> call) {
        ExponentialBackoff backoff = new ExponentialBackoff(Math.max(1, initialBackoff.toMillis()), 2,
                Math.max(1, maxBackoff.toMillis()), 0.2);
        long deadline = System.nanoTime() + maxWait.toNanos();
        for (int attempt = 0; ; attempt++) {
            try {
                return call.get();
            } catch (SchemaRegistryException e) {
                long pause = backoff.backoff(attempt);
                if (!e.isTransient() || System.nanoTime() + Duration.ofMillis(pause).toNanos() - deadline > 0
                        || !sleep(pause)) {
                    throw e;
                }
            }
        }
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
