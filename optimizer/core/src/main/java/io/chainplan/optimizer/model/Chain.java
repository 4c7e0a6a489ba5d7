package io.chainplan.optimizer.model;

import java.util.List;
import java.util.Objects;

/**
 * A chain of servers that together process blocks {@code [0, L)} (DESIGN.md §1.1).
 *
 * @param hops hops in order, at least one
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
