package io.chainplan.router.policy;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.router.internal.TokenQueue;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Shared bookkeeping: capacities, in-service counts, fastest-first ranks (by service time, ties by
 * chain index) and a central FIFO queue. Subclasses choose chains.
 */
abstract class AbstractDispatchState implements DispatchState {
    final int chainCount;
    final int[] capacity;
    final int[] inService;
    /** {@code rankOf[k]}: position of chain k in fastest-first order. */
    final int[] rankOf;
    /** {@code chainAt[r]}: the chain of rank r. */
    final int[] chainAt;
    final TokenQueue central = new TokenQueue();
    long nextSeq;
    int total;

    AbstractDispatchState(List<Chain> chains) {
        Objects.requireNonNull(chains, "chains");
        chainCount = chains.size();
        capacity = new int[chainCount];
        inService = new int[chainCount];
        for (int k = 0; k < chainCount; k++) {
            capacity[k] = chains.get(k).capacity();
        }
        chainAt = fastestFirst(chains);
        rankOf = new int[chainCount];
        for (int r = 0; r < chainCount; r++) {
            rankOf[chainAt[r]] = r;
        }
    }

    /**
     * Chain indices sorted by service time ascending, ties by index: the JFFC ranking of §1.2.
     */
    static int[] fastestFirst(List<Chain> chains) {
        return IntStream.range(0, chains.size()).boxed()
                .sorted(Comparator.comparingDouble((Integer k) -> chains.get(k).serviceSeconds()).thenComparingInt(k -> k))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    @Override
    public final int chainCount() {
        return chainCount;
    }

    @Override
    public final int inService(int chain) {
        checkChain(chain);
        return inService[chain];
    }

    @Override
    public final int totalInService() {
        return total;
    }

    final void checkChain(int chain) {
        if (chain < 0 || chain >= chainCount) {
            throw new IllegalArgumentException("chain must be in [0, " + chainCount + "), was " + chain);
        }
    }

    static void checkToken(long token) {
        if (token < 0) {
            throw new IllegalArgumentException("token must be >= 0, was " + token);
        }
    }

    final void checkBusy(int chain) {
        checkChain(chain);
        if (inService[chain] == 0) {
            throw new IllegalStateException("no request in service on chain " + chain);
        }
    }

    /** Merges queues by enqueue sequence number into FIFO order and empties them. */
    static long[] drain(TokenQueue... queues) {
        int n = 0;
        for (TokenQueue q : queues) {
            n += q.size();
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            TokenQueue best = queues[0];
            for (TokenQueue q : queues) {
                if (q.headSeq() < best.headSeq()) {
                    best = q;
                }
            }
            out[i] = best.poll();
        }
        return out;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{inService=" + Arrays.toString(inService)
                + ", queued=" + queued() + "}";
    }
}
