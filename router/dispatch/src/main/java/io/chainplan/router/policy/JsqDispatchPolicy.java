package io.chainplan.router.policy;

import io.chainplan.optimizer.model.Chain;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Join the Shortest Queue (JSQ) adapted to chains with capacities, as in the comparison of §5 of
 * arXiv 2604.14993: each chain has its own FIFO queue; an arrival joins the chain with the fewest
 * requests (in service plus waiting), preferring a chain with a free slot among equals, then the
 * fastest; it starts at once if the chain has a free slot. A freed slot goes to the head of that
 * chain's queue.
 * <p>O(log K) per operation. Immutable and thread-safe; its states are not.
 */
public final class JsqDispatchPolicy implements DispatchPolicy {
    /** Creates the policy. */
    public JsqDispatchPolicy() {
        // stateless
    }

    @Override
    public String name() {
        return "jsq";
    }

    @Override
    public DispatchState newState(List<Chain> chains, RandomGenerator random) {
        State s = new State(chains);
        s.init();
        return s;
    }

    private static final class State extends PerChainQueueDispatchState {
        State(List<Chain> chains) {
            super(chains);
        }

        @Override
        double key(int k, int inService, int waiting) {
            int n = inService + waiting;
            return 2.0 * n + (inService >= capacity[k] ? 1 : 0);
        }
    }
}
