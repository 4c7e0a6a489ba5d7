package io.chainplan.local.faults;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the suite runs.
 *
 * @param kinds         the fault kinds to inject, in run order
 * @param ratePerSecond arrivals per second of each model's good traffic
 * @param outage        how long the registry and the broker stay down
 * @param kills         SIGKILLs of the optimizer
 * @param settle        longest wait for an expected output (an estimate, a dead letter, a plan) before the
 *                      suite reports it missing
 * @param maxFutureSkew telemetry-ingest's {@code chainplan.ingest.max.future.skew.ms}: events dated less far
 *                      ahead are valid, further ahead invalid
 * @param seed          seeds when the kills happen
 */
public record FaultSettings(List<FaultKind> kinds, double ratePerSecond, Duration outage, int kills, Duration settle,
                            Duration maxFutureSkew, long seed) {
    /** Validates. */
    public FaultSettings {
        kinds = List.copyOf(kinds);
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("kinds must not be empty");
        }
        if (!(ratePerSecond > 0 && ratePerSecond <= 1000)) {
            throw new IllegalArgumentException("ratePerSecond must be in (0, 1000], was " + ratePerSecond);
        }
        requirePositive(outage, "outage");
        requirePositive(settle, "settle");
        requirePositive(maxFutureSkew, "maxFutureSkew");
        if (kills < 1) {
            throw new IllegalArgumentException("kills must be >= 1, was " + kills);
        }
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }

    /** @return every kind, 4 arrivals/s, 5 s outages, 5 kills, 2 min to settle, ingest's default 300 s skew */
    public static FaultSettings defaults() {
        return new FaultSettings(List.of(FaultKind.values()), 4, Duration.ofSeconds(5), 5, Duration.ofMinutes(2),
                Duration.ofMinutes(5), 13);
    }
}
