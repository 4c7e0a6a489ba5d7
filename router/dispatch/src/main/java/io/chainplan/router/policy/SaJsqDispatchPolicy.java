package io.chainplan.router.policy;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.router.internal.ChainHeap;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Speed-aware Join the Shortest Queue (SA-JSQ) adapted to chains with capacities, as in the
 * comparison of §5 of arXiv 2604.14993: among chains with a free slot, those with the fewest
 * requests in service, and among them the fastest; if every chain is full, the central FIFO queue.
 * A freed slot goes to the head of the queue.
 * <p>O(log K) per operation (an indexed heap of the non-full chains keyed by in-service count, ties
 * by fastest-first rank, then chain index). Immutable and thread-safe; its states are not.
 */
public final class SaJsqDispatchPolicy implements DispatchPolicy {
    /** Creates the policy. */
    public SaJsqDispatchPolicy() {
        // stateless
    }

    @Override
    public String name() {
        return "sa-jsq";
    }

    @Override
    public DispatchState newState(List<Chain> chains, RandomGenerator random) {
        return new State(chains);
    }

    private static final class State extends CentralQueueDispatchState {
        private final ChainHeap notFull;

        State(List<Chain> chains) {
            super(chains);
            notFull = new ChainHeap(rankOf);
            for (int k = 0; k < chainCount; k++) {
                notFull.update(k, 0);
            }
        }

        @Override
        int pick() {
            return notFull.peek();
        }

        @Override
        void countChanged(int chain, int n) {
            if (n < capacity[chain]) {
                notFull.update(chain, n);
            } else {
                notFull.remove(chain);
            }
        }
    }
}
