package io.chainplan.optimizer.sim;

import java.util.List;
import java.util.Objects;

/**
 * A path a simulated request is served along: its mean service time {@code T} (DESIGN.md §1.1) and,
 * when known, its hops (needed by {@link TokenServiceModel}).
 *
 * @param meanSeconds mean service time for a reference request, {@code > 0}
 * @param hops        the hops; may be empty when only the exponential model is used
 */
public record SimRoute(double meanSeconds, List<SimHop> hops) {
    /** Validates and copies. */
    public SimRoute {
        Objects.requireNonNull(hops, "hops");
        hops = List.copyOf(hops);
        if (!(meanSeconds > 0) || Double.isInfinite(meanSeconds)) {
            throw new IllegalArgumentException("meanSeconds must be finite and > 0, was " + meanSeconds);
        }
    }

    /**
     * A route known only by its mean service time.
     *
     * @param meanSeconds {@code T}
     * @return the route
     */
    public static SimRoute ofMean(double meanSeconds) {
        return new SimRoute(meanSeconds, List.of());
    }
}
