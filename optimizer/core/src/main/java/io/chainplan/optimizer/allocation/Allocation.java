package io.chainplan.optimizer.allocation;

import io.chainplan.optimizer.model.Chain;
import java.util.List;
import java.util.Objects;

/**
 * Chains with capacities produced by a cache allocation.
 *
 * @param chains chains, fastest first
 */
public record Allocation(List<Chain> chains) {
    /** Copies the chain list. */
    public Allocation {
        chains = List.copyOf(Objects.requireNonNull(chains, "chains"));
    }

    /** @return nu = sum over chains of c_k / T_k (DESIGN.md §1.1), summed in chain order */
    public double totalServiceRatePerSecond() {
        double nu = 0;
        for (Chain k : chains) {
            nu += k.capacity() / k.serviceSeconds();
        }
        return nu;
    }

    /** @return C = sum over chains of c_k */
    public long totalCapacity() {
        return chains.stream().mapToLong(Chain::capacity).sum();
    }
}
