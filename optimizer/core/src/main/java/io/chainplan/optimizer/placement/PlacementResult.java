package io.chainplan.optimizer.placement;

import io.chainplan.optimizer.model.Placement;
import java.util.Objects;

/**
 * Outcome of a block placement for one cache reservation {@code c}.
 *
 * @param cacheReservation c
 * @param feasible whether the servers together host every block at this c
 * @param placement the placement; empty when infeasible
 * @param completeChains K(c), complete chains formed (GBP-CR step 3)
 * @param rateReached sum over complete chains of 1 / chain time, requests per second per unit of capacity
 * @param reachedTarget whether {@code rateReached >= lambda / (rho_bar * c)}
 * @param coverableBlocks sum over servers of m_j(c): blocks the servers could host together
 */
public record PlacementResult(int cacheReservation, boolean feasible, Placement placement, int completeChains,
        double rateReached, boolean reachedTarget, long coverableBlocks) {
    /** Validates the fields. */
    public PlacementResult {
        Objects.requireNonNull(placement, "placement");
        if (cacheReservation < 1) {
            throw new IllegalArgumentException("cacheReservation must be >= 1, was " + cacheReservation);
        }
        if (!feasible && (!placement.isEmpty() || completeChains != 0)) {
            throw new IllegalArgumentException("an infeasible placement result must be empty");
        }
    }

    /**
     * @param c the cache reservation
     * @param coverableBlocks sum over servers of m_j(c), less than L
     * @return the result "c cannot cover all blocks"
     */
    public static PlacementResult infeasible(int c, long coverableBlocks) {
        return new PlacementResult(c, false, Placement.empty(), 0, 0.0, false, coverableBlocks);
    }

    /** @return the surrogate objective c * K(c) (DESIGN.md §1.2, "Choosing c") */
    public long surrogate() {
        return (long) cacheReservation * completeChains;
    }
}
