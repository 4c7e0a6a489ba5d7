package io.chainplan.router.dispatch;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Plan;
import java.util.List;
import java.util.Objects;

/**
 * What a router dispatches to (DESIGN.md §2.3): the model, the plan epoch (strictly increasing per
 * model) and the plan's chains with their capacities and service times. Chain {@code k} of the list is
 * chain {@code k} of its leases; all chains cover the same number of blocks. The list may be in any
 * order: policies rank chains by service time themselves (ties by position).
 *
 * @param modelId the model the plan serves
 * @param epoch   plan epoch; a dispatcher ignores a plan whose epoch is not newer than its current one
 * @param chains  the chains
 */
public record RoutingPlan(String modelId, long epoch, List<Chain> chains) {
    /** Validates and copies the chains. */
    public RoutingPlan {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(chains, "chains");
        chains = List.copyOf(chains);
        if (modelId.isBlank()) {
            throw new IllegalArgumentException("modelId must not be blank");
        }
        for (int i = 0; i < chains.size(); i++) {
            if (chains.get(i).blocks() != chains.get(0).blocks()) {
                throw new IllegalArgumentException("chain " + i + " covers " + chains.get(i).blocks()
                        + " blocks but chain 0 covers " + chains.get(0).blocks());
            }
        }
    }

    /**
     * The chains of a solved plan, in its order (fastest first).
     *
     * @param plan  the plan (any status; an INFEASIBLE plan has no chains)
     * @param epoch the epoch to give it
     * @return the routing plan
     */
    public static RoutingPlan of(Plan plan, long epoch) {
        Objects.requireNonNull(plan, "plan");
        return new RoutingPlan(plan.modelId(), epoch, plan.chains());
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
        for (Chain chain : chains) {
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
        for (Chain chain : chains) {
            nu += chain.capacity() * chain.serviceRatePerSecond();
        }
        return nu;
    }
}
