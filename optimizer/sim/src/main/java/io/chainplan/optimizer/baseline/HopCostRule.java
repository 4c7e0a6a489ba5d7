package io.chainplan.optimizer.baseline;

/**
 * The cost a baseline's on-arrival router gives a hop into a server that would process
 * {@code blocks} blocks, given the current state of the cache pools (DESIGN.md §1.3).
 */
public interface HopCostRule {
    /** @return short name, e.g. {@code petals} */
    String name();

    /**
     * @param pools the pools now
     * @param server server index
     * @param blocks blocks the hop processes, {@code 1 <= blocks <= hostedBlocks(server)}
     * @return the cost in seconds, {@code +infinity} if unusable
     */
    double hopCost(PoolView pools, int server, int blocks);

    /**
     * PETALS' routing cost ({@code petals.client.routing.sequence_manager._build_inference_graph}):
     * {@code tau_c[j] + m tau_p[j]}, plus {@code penaltySeconds} (PETALS: {@code alloc_delay = 10 s}) when
     * the server is believed to lack cache. Like PETALS' {@code _has_cache_for}, the belief is
     * pessimistic: it asks for cache on all blocks the server hosts, not just the {@code m} it would
     * process. The belief uses the exact current free slots (PETALS reads periodically refreshed DHT
     * entries: stale information could only make it worse).
     *
     * @param penaltySeconds the penalty, {@code >= 0}
     * @return the rule
     */
    static HopCostRule petals(double penaltySeconds) {
        if (!(penaltySeconds >= 0)) {
            throw new IllegalArgumentException("penaltySeconds must be >= 0, was " + penaltySeconds);
        }
        return new HopCostRule() {
            @Override
            public String name() {
                return "petals";
            }

            @Override
            public double hopCost(PoolView pools, int server, int blocks) {
                double base = pools.commSeconds(server) + pools.perBlockComputeSeconds(server) * blocks;
                boolean lacks = pools.freeSlots(server) < pools.hostedBlocks(server);
                return lacks ? base + penaltySeconds : base;
            }
        };
    }

    /**
     * BPRR's routing cost: {@code tau_c[j] + m tau_p[j]} plus the expected wait for a cache slot. The wait
     * is 0 if the server has {@code m} free slots and nobody queued; otherwise the requester is
     * {@code q + 1}-th in line ({@code q} queued) and departures from the {@code n} requests in service
     * come every {@code Tbar / n} on average (exponential services with mean {@code Tbar}, their mean
     * nominal service time), so the wait is {@code (q + 1) Tbar / n}.
     *
     * @return the rule
     */
    static HopCostRule bprr() {
        return new HopCostRule() {
            @Override
            public String name() {
                return "bprr";
            }

            @Override
            public double hopCost(PoolView pools, int server, int blocks) {
                double base = pools.commSeconds(server) + pools.perBlockComputeSeconds(server) * blocks;
                if (pools.freeSlots(server) >= blocks && pools.queued(server) == 0) {
                    return base;
                }
                int n = Math.max(1, pools.inService(server));
                return base + (pools.queued(server) + 1) * pools.meanNominalServiceSeconds(server) / n;
            }
        };
    }
}
