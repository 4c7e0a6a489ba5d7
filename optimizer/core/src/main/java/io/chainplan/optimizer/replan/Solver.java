package io.chainplan.optimizer.replan;

import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Objective;
import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.Plan;

/**
 * The two solves a re-plan weighs (DESIGN.md §2.4): a full search (GBP-CR + GCA over c, §1.2
 * "Choosing c") and the cache allocation alone (GCA, §1.2) on a given placement. Implementations
 * must be deterministic: the same arguments give the same plan (solver millis aside), which is
 * what makes a recorded plan replayable.
 */
public interface Solver {
    /**
     * @param fleet     model, up servers, lambda, rho_bar
     * @param objective objective of the search over c
     * @return the best plan, or an INFEASIBLE / UNSTABLE plan with a reason
     */
    Plan solveFull(Fleet fleet, Objective objective);

    /**
     * @param fleet     model, up servers, lambda, rho_bar
     * @param objective objective recorded in the solver statistics
     * @param placement block ranges to keep; every server of it is in the fleet and its range fits
     * @return the plan with this placement and GCA's chains (c = 0), or INFEASIBLE / UNSTABLE
     */
    Plan solveOnPlacement(Fleet fleet, Objective objective, Placement placement);
}
