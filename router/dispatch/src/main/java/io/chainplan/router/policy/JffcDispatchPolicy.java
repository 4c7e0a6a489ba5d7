package io.chainplan.router.policy;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.router.internal.RankBitSet;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Join the Fastest Free Chain (JFFC), §3 of Sun, He, Hou, "Serving Chain-structured Jobs with Large
 * Memory Footprints ..." (arXiv 2604.14993): chains are ranked by service rate {@code mu_k}; an
 * arrival goes to the fastest chain with fewer than {@code c_k} requests in service, else waits in one
 * central FIFO queue; when a request on chain {@code k} finishes, the head of the queue starts on
 * {@code k}. Throughput-optimal: stable for every {@code lambda < nu}.
 * <p>O(log_64 K) per operation: the free chains are a {@link RankBitSet} over ranks.
 * <p>Ties in service time are broken by chain index. Immutable and thread-safe; its states are not.
 */
public final class JffcDispatchPolicy implements DispatchPolicy {
    /** Creates the policy. */
    public JffcDispatchPolicy() {
        // stateless
    }

    @Override
    public String name() {
        return "jffc";
    }

    @Override
    public DispatchState newState(List<Chain> chains, RandomGenerator random) {
        return new State(chains);
    }

    private static final class State extends CentralQueueDispatchState {
        private final RankBitSet free;

        State(List<Chain> chains) {
            super(chains);
            free = new RankBitSet(chainCount);
            for (int r = 0; r < chainCount; r++) {
                free.set(r);
            }
        }

        @Override
        int pick() {
            int r = free.first();
            return r < 0 ? NO_CHAIN : chainAt[r];
        }

        @Override
        void countChanged(int chain, int n) {
            if (n == capacity[chain]) {
                free.clear(rankOf[chain]);
            } else if (n == capacity[chain] - 1) {
                free.set(rankOf[chain]);
            }
        }
    }
}
