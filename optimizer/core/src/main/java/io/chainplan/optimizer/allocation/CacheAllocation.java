package io.chainplan.optimizer.allocation;

import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Placement;

/** Turns a block placement into chains with capacities (DESIGN.md §1.2, "cache allocation"). */
public interface CacheAllocation {
    /**
     * Allocates the placed servers' cache slots to chains.
     *
     * @param fleet the model and the servers (parameters are looked up by id)
     * @param placement block ranges and cache slots; every server id must be in the fleet
     * @return chains fastest first; empty if no chain covers all blocks
     */
    Allocation allocate(Fleet fleet, Placement placement);
}
