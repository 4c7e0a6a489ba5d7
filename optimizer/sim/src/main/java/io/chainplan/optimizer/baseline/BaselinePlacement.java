package io.chainplan.optimizer.baseline;

import io.chainplan.optimizer.model.Placement;
import java.util.List;
import java.util.Objects;

/**
 * A baseline's block placement: per-server ranges whose {@code cacheSlots} are the servers' cache
 * pools (see {@link CachePool}), plus what the baseline decided on the way.
 *
 * @param method baseline name, e.g. {@code petals}
 * @param placement ranges and cache pools; servers that host nothing are absent
 * @param reservedRequestsPerBlock cache reservation per hosted block in requests (PETALS: 2; BPRR: R)
 * @param order the order in which servers took their windows (join order or amortised-time order)
 * @param coversAllBlocks whether every block of {@code [0, L)} is hosted by some server
 * @param referenceServiceSeconds BPRR's T (mean service time used for R); 0 for PETALS
 */
public record BaselinePlacement(String method, Placement placement, long reservedRequestsPerBlock, List<String> order,
        boolean coversAllBlocks, double referenceServiceSeconds) {
    /** Validates the fields and copies the order. */
    public BaselinePlacement {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(placement, "placement");
        order = List.copyOf(Objects.requireNonNull(order, "order"));
        if (reservedRequestsPerBlock < 1) {
            throw new IllegalArgumentException("reservedRequestsPerBlock must be >= 1, was " + reservedRequestsPerBlock);
        }
    }
}
