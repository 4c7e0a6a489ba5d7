package io.chainplan.router.policy;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.router.internal.IntPickSet;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Join the Idle Queue (JIQ) adapted to chains with capacities, as the comparison of §5 of
 * arXiv 2604.14993 does: an arrival goes to a uniformly random idle chain (no request in service),
 * else to a uniformly random chain with a free slot, else waits in the central FIFO queue; a freed
 * slot goes to the head of the queue.
 * <p>O(1) per operation. Deterministic for a seeded {@link RandomGenerator}. Immutable and
 * thread-safe; its states are not.
 */
public final class JiqDispatchPolicy implements DispatchPolicy {
    /** Creates the policy. */
    public JiqDispatchPolicy() {
        // stateless
    }

    @Override
    public String name() {
        return "jiq";
    }

    @Override
    public DispatchState newState(List<Chain> chains, RandomGenerator random) {
        return new State(chains, Objects.requireNonNull(random, "random"));
    }

    private static final class State extends CentralQueueDispatchState {
        private final RandomGenerator random;
        private final IntPickSet idle;
        private final IntPickSet notFull;

        State(List<Chain> chains, RandomGenerator random) {
            super(chains);
            this.random = random;
            idle = new IntPickSet(chainCount);
            notFull = new IntPickSet(chainCount);
            for (int r = 0; r < chainCount; r++) {
                idle.add(chainAt[r]);
                notFull.add(chainAt[r]);
            }
        }

        @Override
        int pick() {
            if (idle.size() > 0) {
                return idle.at(random.nextInt(idle.size()));
            }
            if (notFull.size() > 0) {
                return notFull.at(random.nextInt(notFull.size()));
            }
            return NO_CHAIN;
        }

        @Override
        void countChanged(int chain, int n) {
            if (n == 0) {
                idle.add(chain);
            } else {
                idle.remove(chain);
            }
            if (n < capacity[chain]) {
                notFull.add(chain);
            } else {
                notFull.remove(chain);
            }
        }
    }
}
