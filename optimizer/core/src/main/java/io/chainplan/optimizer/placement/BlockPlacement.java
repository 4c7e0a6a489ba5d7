package io.chainplan.optimizer.placement;

import io.chainplan.optimizer.model.Fleet;

/** Decides which contiguous block range each server hosts (DESIGN.md §1, "block placement"). */
public interface BlockPlacement {
    /**
     * Places the model's blocks on the fleet's servers.
     *
     * @param fleet model, servers, demand and target load
     * @param cacheReservation the cache reservation c (requests per hosted block), {@code >= 1}
     * @return the placement, or {@link PlacementResult#infeasible} if the servers cannot cover all blocks
     */
    PlacementResult place(Fleet fleet, int cacheReservation);
}
