package io.chainplan.router.policy;

import io.chainplan.optimizer.model.Chain;
import java.util.List;

/**
 * State of the policies with one central FIFO queue (JFFC, JIQ, SA-JSQ): an arrival starts on the
 * chain {@link #pick()} chooses among chains with a free slot, else waits; a freed slot goes to the
 * head of the queue (the freed chain is the only one with a free slot while anyone waits).
 */
abstract class CentralQueueDispatchState extends AbstractDispatchState {
    CentralQueueDispatchState(List<Chain> chains) {
        super(chains);
    }

    /**
     * Chooses a chain with a free slot.
     *
     * @return the chain, or NO_CHAIN if all are full
     */
    abstract int pick();

    /** Called after the in-service count of {@code chain} changed to {@code n}. */
    abstract void countChanged(int chain, int n);

    @Override
    public final int tryStart() {
        if (!central.isEmpty()) {
            return NO_CHAIN;
        }
        int k = pick();
        if (k >= 0) {
            int n = ++inService[k];
            total++;
            countChanged(k, n);
        }
        return k;
    }

    @Override
    public final int arrive(long token) {
        checkToken(token);
        int k = tryStart();
        if (k < 0) {
            central.add(token, nextSeq++);
        }
        return k;
    }

    @Override
    public final boolean occupy(int chain) {
        checkChain(chain);
        if (inService[chain] >= capacity[chain]) {
            return false;
        }
        int n = ++inService[chain];
        total++;
        countChanged(chain, n);
        return true;
    }

    @Override
    public final long depart(int chain) {
        checkBusy(chain);
        if (!central.isEmpty()) {
            return central.poll();
        }
        int n = --inService[chain];
        total--;
        countChanged(chain, n);
        return NO_TOKEN;
    }

    @Override
    public final boolean cancel(long token) {
        return central.remove(token);
    }

    @Override
    public final long[] drainQueued() {
        return drain(central);
    }

    @Override
    public final int queued() {
        return central.size();
    }
}
