package io.chainplan.router.dispatch;

import java.util.List;
import java.util.Objects;

/**
 * A chain of servers a request travels along, with its capacity {@code c_k} (at most this many
 * requests in service at once) and its mean service time {@code T_k} (DESIGN.md §1.1).
 *
 * @param index          position of the chain in its plan, 0-based
 * @param hops           the hops in order; consecutive ranges are adjacent and the first starts at block 0
 * @param capacity       maximum number of requests in service on the chain, {@code >= 1}
 * @param serviceSeconds mean service time {@code T_k} in seconds, {@code > 0}
 */
public record RoutingChain(int index, List<RoutingHop> hops, int capacity, double serviceSeconds) {
    /** Validates and copies the hops. */
    public RoutingChain {
        Objects.requireNonNull(hops, "hops");
        hops = List.copyOf(hops);
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, was " + index);
        }
        if (hops.isEmpty()) {
            throw new IllegalArgumentException("hops must not be empty (chain " + index + ")");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity + " (chain " + index + ")");
        }
        if (!(serviceSeconds > 0) || Double.isInfinite(serviceSeconds)) {
            throw new IllegalArgumentException(
                    "serviceSeconds must be finite and > 0, was " + serviceSeconds + " (chain " + index + ")");
        }
        checkContiguous(index, hops);
    }

    private static void checkContiguous(int index, List<RoutingHop> hops) {
        if (hops.get(0).startBlock() != 0) {
            throw new IllegalArgumentException(
                    "first hop must start at block 0, was " + hops.get(0).startBlock() + " (chain " + index + ")");
        }
        for (int i = 1; i < hops.size(); i++) {
            if (hops.get(i).startBlock() != hops.get(i - 1).endBlock()) {
                throw new IllegalArgumentException("hop " + i + " of chain " + index + " starts at block "
                        + hops.get(i).startBlock() + " but the previous hop ends at " + hops.get(i - 1).endBlock());
            }
        }
    }

    /**
     * Service rate {@code mu_k = 1 / T_k} (DESIGN.md §1.1).
     *
     * @return requests per second per slot
     */
    public double serviceRatePerSecond() {
        return 1.0 / serviceSeconds;
    }

    /**
     * Number of blocks the chain covers ({@code L} of the model).
     *
     * @return end block of the last hop
     */
    public int blocks() {
        return hops.get(hops.size() - 1).endBlock();
    }
}
