package io.chainplan.router.policy;


/**
 * The mutable dispatch state of one plan under one policy: requests in service per chain and the
 * waiting requests (one central FIFO queue, or per-chain queues for JSQ and SED). Requests are
 * identified by caller-chosen non-negative {@code long} tokens.
 * <p>Every operation is O(log K) or better for K chains, except {@link #cancel} (linear in the
 * queue length) and {@link #drainQueued()}. Not thread-safe: callers serialise access.
 */
public interface DispatchState {
    /** Returned by {@link #tryStart()} and {@link #arrive(long)} when no chain was chosen. */
    int NO_CHAIN = -1;
    /** Returned by {@link #depart(int)} when no waiting request starts on the freed slot. */
    long NO_TOKEN = -1L;

    /**
     * Number of chains this state dispatches to; chains are numbered {@code 0 .. chainCount() - 1} as in
     * the list the state was made for.
     *
     * @return the chain count
     */
    int chainCount();

    /**
     * Starts a request now if the policy would start an arriving request immediately, without
     * queueing it otherwise.
     *
     * @return the chain the request now occupies a slot of, or {@link #NO_CHAIN}
     */
    int tryStart();

    /**
     * An arriving request: starts it on a chain, or queues it (centrally or on a chain, per policy).
     *
     * @param token the request's token, {@code >= 0}
     * @return the chain it started on, or {@link #NO_CHAIN} if it was queued
     */
    int arrive(long token);

    /**
     * A request in service on {@code chain} finished. Frees its slot, or hands the slot at once to
     * the waiting request the policy picks (head of the central queue or of the chain's queue).
     *
     * @param chain the chain index
     * @return the token of the request that now starts on {@code chain}, or {@link #NO_TOKEN}
     * @throws IllegalStateException if no request is in service on {@code chain}
     */
    long depart(int chain);

    /**
     * Counts a request that is already in service on {@code chain} without choosing a chain for it:
     * for rebuilding the state of a plan from a record of the leases granted on it (the dispatch
     * service's new owner of a model, DESIGN.md §2.5). The policy's preferences are updated as if the
     * request had started there; a waiting request is not started.
     *
     * @param chain the chain index
     * @return true if the chain had a free slot and now holds the request; false if it was full
     *         (nothing changes)
     */
    boolean occupy(int chain);

    /**
     * Removes a waiting request (timeout or cancellation).
     *
     * @param token the request's token
     * @return true if it was waiting and is now removed; false if it is not queued here
     */
    boolean cancel(long token);

    /**
     * Removes all waiting requests, for moving them to a new plan (DESIGN.md §2.4).
     *
     * @return their tokens in the order they were queued
     */
    long[] drainQueued();

    /**
     * Requests in service on a chain.
     *
     * @param chain the chain index
     * @return the count, at most the chain's capacity
     */
    int inService(int chain);

    /**
     * Requests in service on all chains.
     *
     * @return the count
     */
    int totalInService();

    /**
     * Waiting requests (all queues).
     *
     * @return the count
     */
    int queued();
}
