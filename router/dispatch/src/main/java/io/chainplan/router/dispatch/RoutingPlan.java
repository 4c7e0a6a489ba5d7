package io.chainplan.router.dispatch;

import java.util.List;
import java.util.Objects;

/**
 * The part of a chain plan a router needs (DESIGN.md §2.3): the model, the plan epoch (strictly
 * increasing per model) and the chains with their capacities and service times.
 * <p>Chain {@code i} of the list has {@code index() == i}; all chains cover the same number of blocks.
 * The list may be in any order: policies rank chains by service time themselves (ties by index).
 *
 * @param modelId the model the plan serves
 * @param epoch   plan epoch; a dispatcher ignores a plan whose epoch is not newer than its current one
 * @param chains  the chains, chain {@code i} at position {@code i}
 */
public record RoutingPlan(String modelId, long epoch, List<RoutingChain> chains) {
    /** Validates and copies the chains. */
    public RoutingPlan {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(chains, "chains");
        chains = List.copyOf(chains);
        if (modelId.isBlank()) {
            throw new IllegalArgumentException("modelId must not be blank");
        }
        for (int i = 0; i < chains.size(); i++) {
            if (chains.get(i).index() != i) {
                throw new IllegalArgumentException(
                        "chain at position " + i + " has index " + chains.get(i).index() + "; indices must be 0..K-1");
            }
            if (chains.get(i).blocks() != chains.get(0).blocks()) {
                throw new IllegalArgumentException("chain " + i + " covers " + chains.get(i).blocks()
                        + " blocks but chain 0 covers " + chains.get(0).blocks());
            }
        }
    }

    /**
     * A plan with no chains: every request waits until a real plan arrives.
     *
     * @param modelId the model
     * @param epoch   its epoch
     * @return an empty plan
     */
    public static RoutingPlan empty(String modelId, long epoch) {
        return new RoutingPlan(modelId, epoch, List.of());
    }

    /**
     * Number of chains {@code K}.
     *
     * @return {@code chains().size()}
     */
    public int chainCount() {
        return chains.size();
    }

    /**
     * Total capacity {@code C = sum_k c_k}.
     *
     * @return sum of chain capacities
     */
    public long totalCapacity() {
        long c = 0;
        for (RoutingChain chain : chains) {
            c += chain.capacity();
        }
        return c;
    }

    /**
     * Total service rate {@code nu = sum_k c_k mu_k}; the system is stable iff {@code lambda < nu}
     * (DESIGN.md §1.1).
     *
     * @return requests per second
     */
    public double totalServiceRatePerSecond() {
        double nu = 0;
        for (RoutingChain chain : chains) {
            nu += chain.capacity() * chain.serviceRatePerSecond();
        }
        return nu;
    }
}
