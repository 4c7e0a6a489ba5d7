package io.chainplan.router.policy;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.router.internal.ChainHeap;
import io.chainplan.router.internal.TokenQueue;
import java.util.List;

/**
 * State of the policies with a FIFO queue per chain (JSQ, SED): an arrival joins the chain with the
 * smallest {@link #key(int, int, int) key} (ties by fastest-first rank), starting at once if that chain
 * has a free slot and waiting in its queue otherwise; a freed slot goes to the head of the chain's own queue.
 * <p>O(log K) per operation (indexed heap over all chains).
 */
abstract class PerChainQueueDispatchState extends AbstractDispatchState {
    private final TokenQueue[] queues;
    private final ChainHeap heap;
    private int queuedCount;

    PerChainQueueDispatchState(List<Chain> chains) {
        super(chains);
        queues = new TokenQueue[chainCount];
        heap = new ChainHeap(rankOf);
        for (int k = 0; k < chainCount; k++) {
            queues[k] = new TokenQueue();
        }
    }

    /** Initialises the heap; called by subclass constructors once their fields are set. */
    final void init() {
        for (int k = 0; k < chainCount; k++) {
            heap.update(k, key(k, 0, 0));
        }
    }

    /**
     * The policy's preference for chain {@code k}; smaller is better.
     *
     * @param k         the chain
     * @param inService requests in service on it
     * @param waiting   requests queued on it
     * @return the key
     */
    abstract double key(int k, int inService, int waiting);

    private void rekey(int k) {
        heap.update(k, key(k, inService[k], queues[k].size()));
    }

    @Override
    public final int tryStart() {
        int k = heap.peek();
        if (k < 0 || inService[k] >= capacity[k]) {
            return NO_CHAIN;
        }
        inService[k]++;
        total++;
        rekey(k);
        return k;
    }

    @Override
    public final int arrive(long token) {
        checkToken(token);
        int k = tryStart();
        if (k >= 0) {
            return k;
        }
        int target = heap.peek();
        if (target < 0) {
            central.add(token, nextSeq++);
        } else {
            queues[target].add(token, nextSeq++);
            queuedCount++;
            rekey(target);
        }
        return NO_CHAIN;
    }

    @Override
    public final boolean occupy(int chain) {
        checkChain(chain);
        if (inService[chain] >= capacity[chain]) {
            return false;
        }
        inService[chain]++;
        total++;
        rekey(chain);
        return true;
    }

    @Override
    public final long depart(int chain) {
        checkBusy(chain);
        long next = queues[chain].poll();
        if (next >= 0) {
            queuedCount--;
        } else {
            inService[chain]--;
            total--;
        }
        rekey(chain);
        return next;
    }

    @Override
    public final boolean cancel(long token) {
        if (central.remove(token)) {
            return true;
        }
        for (int k = 0; k < chainCount; k++) {
            if (queues[k].remove(token)) {
                queuedCount--;
                rekey(k);
                return true;
            }
        }
        return false;
    }

    @Override
    public final long[] drainQueued() {
        TokenQueue[] all = new TokenQueue[chainCount + 1];
        System.arraycopy(queues, 0, all, 0, chainCount);
        all[chainCount] = central;
        long[] out = drain(all);
        queuedCount = 0;
        for (int k = 0; k < chainCount; k++) {
            rekey(k);
        }
        return out;
    }

    @Override
    public final int queued() {
        return queuedCount + central.size();
    }
}
