package io.chainplan.optimizer.baseline;

/**
 * Read-only view of the per-server cache pools during a simulation run, for routing decisions.
 * Servers are indexed {@code 0 .. serverCount()-1} in the placement's (id) order.
 */
public interface PoolView {
    /** @return number of placed servers */
    int serverCount();

    /**
     * @param server server index
     * @return blocks the server hosts
     */
    int hostedBlocks(int server);

    /**
     * @param server server index
     * @return the pool size in slots (one slot = one request on one block)
     */
    int poolSlots(int server);

    /**
     * @param server server index
     * @return slots not held by a request in service
     */
    int freeSlots(int server);

    /**
     * @param server server index
     * @return requests waiting in the server's FIFO queue
     */
    int queued(int server);

    /**
     * @param server server index
     * @return requests in service holding cache on the server
     */
    int inService(int server);

    /**
     * @param server server index
     * @return mean nominal service time (sum of hop times) of the requests in service on the server; 0 if none
     */
    double meanNominalServiceSeconds(int server);

    /**
     * @param server server index
     * @return {@code tau_c[j]}
     */
    double commSeconds(int server);

    /**
     * @param server server index
     * @return {@code tau_p[j]}
     */
    double perBlockComputeSeconds(int server);
}
