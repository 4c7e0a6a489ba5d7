package io.chainplan.optimizer.model;

import java.util.Objects;

/**
 * The blocks one server hosts and the cache slots left for requests (DESIGN.md §1.1, §4.2).
 *
 * @param serverId server id
 * @param range hosted blocks
 * @param cacheSlots slots_j = floor((M_j - s_m * blocks_j) / s_c), one slot = one request on one block
 *     (capped at {@link Integer#MAX_VALUE})
 */
public record ServerPlacement(String serverId, BlockRange range, int cacheSlots) {
    /** Validates the fields. */
    public ServerPlacement {
        Checks.nonBlank(serverId, "serverId");
        Objects.requireNonNull(range, "range");
        if (cacheSlots < 0) {
            throw new IllegalArgumentException("cacheSlots of server " + serverId + " must be >= 0, was " + cacheSlots);
        }
    }

    /**
     * Places {@code range} on {@code server} with all its remaining memory as cache slots.
     *
     * @param model the model
     * @param server the server
     * @param range the hosted blocks
     * @return the placement of that server
     */
    public static ServerPlacement of(ModelSpec model, Server server, BlockRange range) {
        long slots = model.cacheSlots(server.memoryBytes(), range.size());
        return new ServerPlacement(server.id(), range, (int) Math.min(slots, Integer.MAX_VALUE));
    }
}
