package io.chainplan.router.policy;

import io.chainplan.optimizer.model.Chain;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Smallest Expected Delay (SED) adapted to chains with capacities, as in the comparison of §5 of
 * arXiv 2604.14993: each chain has its own FIFO queue and is treated as {@code c_k} parallel servers
 * of rate {@code mu_k}; an arrival joins the chain where its expected response time is smallest:
 * {@code T_k} if the chain has a free slot, else {@code T_k + (n_k - c_k + 1) * T_k / c_k} with
 * {@code n_k} requests there. Ties go to the fastest chain. A freed slot goes to the head of that
 * chain's queue.
 * <p>O(log K) per operation. Immutable and thread-safe; its states are not.
 */
public final class SedDispatchPolicy implements DispatchPolicy {
    /** Creates the policy. */
    public SedDispatchPolicy() {
        // stateless
    }

    @Override
    public String name() {
        return "sed";
    }

    @Override
    public DispatchState newState(List<Chain> chains, RandomGenerator random) {
        State s = new State(chains);
        s.init();
        return s;
    }

    private static final class State extends PerChainQueueDispatchState {
        private final double[] serviceSeconds;

        State(List<Chain> chains) {
            super(chains);
            serviceSeconds = chains.stream().mapToDouble(Chain::serviceSeconds).toArray();
        }

        @Override
        double key(int k, int inService, int waiting) {
            int n = inService + waiting;
            int c = capacity[k];
            double t = serviceSeconds[k];
            return n < c ? t : t * (1.0 + (double) (n - c + 1) / c);
        }
    }
}
