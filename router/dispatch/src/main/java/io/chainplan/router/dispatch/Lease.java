package io.chainplan.router.dispatch;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Hop;
import java.util.List;

/**
 * The right to run one request on one chain of one plan: a slot of that chain's capacity, held
 * until {@link Dispatcher#release(Lease)}. A lease stays valid across plan switches and is released
 * to the plan it was taken from (DESIGN.md §2.4: requests finish on the chain they started on).
 * <p>Release exactly once; a second release throws.
 */
public final class Lease {
    final Dispatcher owner;
    final Dispatcher.Generation generation;
    private final int chainIndex;
    private final long id;
    /** Guarded by the owner's lock. */
    boolean released;

    Lease(Dispatcher owner, Dispatcher.Generation generation, int chainIndex, long id) {
        this.owner = owner;
        this.generation = generation;
        this.chainIndex = chainIndex;
        this.id = id;
    }

    /**
     * The chain to send the request along: its hops name the servers and block ranges.
     *
     * @return the chain
     */
    public Chain chain() {
        return generation.plan.chains().get(chainIndex);
    }

    /**
     * Index of the chain in its plan.
     *
     * @return the chain index
     */
    public int chainIndex() {
        return chainIndex;
    }

    /**
     * Hops of the chain, in order.
     *
     * @return the hops
     */
    public List<Hop> hops() {
        return chain().hops();
    }

    /**
     * The plan the lease was taken from.
     *
     * @return the plan
     */
    public RoutingPlan plan() {
        return generation.plan;
    }

    /**
     * Epoch of the plan the lease was taken from.
     *
     * @return the epoch
     */
    public long epoch() {
        return generation.plan.epoch();
    }

    /**
     * Identifier of the request this lease was granted to, unique per dispatcher.
     *
     * @return the id
     */
    public long id() {
        return id;
    }

    @Override
    public String toString() {
        return "Lease{id=" + id + ", model=" + generation.plan.modelId() + ", epoch=" + epoch() + ", chain=" + chainIndex + "}";
    }
}
