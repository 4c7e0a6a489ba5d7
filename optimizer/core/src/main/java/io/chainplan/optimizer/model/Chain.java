package io.chainplan.optimizer.model;

import java.util.List;
import java.util.Objects;

/**
 * A chain of servers that together process blocks {@code [0, L)} (DESIGN.md §1.1): the one chain type
 * of the optimizer's plans, the simulator and the router. A request on it is processed by each hop in
 * turn; a block is processed by the first server of the chain that hosts it, so the hops' ranges are
 * adjacent and the first starts at block 0.
 *
 * @param hops hops in order, at least one; the first starts at block 0, each next one where the previous ends
 * @param capacity c_k, most requests in service on the chain at once ({@code >= 1})
 * @param serviceSeconds T_k = sum over hops of tau_c[j] + tau_p[j] * m_ij ({@code > 0})
 */
public record Chain(List<Hop> hops, int capacity, double serviceSeconds) {
    /** Validates the fields and copies the hop list. */
    public Chain {
        hops = List.copyOf(Objects.requireNonNull(hops, "hops"));
        if (hops.isEmpty()) {
            throw new IllegalArgumentException("hops must not be empty");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        Checks.positiveFinite(serviceSeconds, "serviceSeconds");
        if (hops.get(0).startBlock() != 0) {
            throw new IllegalArgumentException("the first hop must start at block 0, was " + hops.get(0).startBlock()
                    + " on server " + hops.get(0).serverId());
        }
        for (int i = 1; i < hops.size(); i++) {
            if (hops.get(i).startBlock() != hops.get(i - 1).endBlock()) {
                throw new IllegalArgumentException("hop " + i + " (server " + hops.get(i).serverId() + ") starts at block "
                        + hops.get(i).startBlock() + " but the previous hop ends at " + hops.get(i - 1).endBlock());
            }
        }
    }

    /** @return the number of blocks the chain covers: the end of its last hop ({@code L} of the model) */
    public int blocks() {
        return hops.get(hops.size() - 1).endBlock();
    }

    /** @return mu_k = 1 / T_k, requests per second per unit of capacity */
    public double serviceRatePerSecond() {
        return 1.0 / serviceSeconds;
    }

    /** @return the server ids in hop order */
    public List<String> serverIds() {
        return hops.stream().map(Hop::serverId).toList();
    }
}
