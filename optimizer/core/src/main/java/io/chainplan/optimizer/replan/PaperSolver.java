package io.chainplan.optimizer.replan;

import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Objective;
import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.tuning.CapacitySearch;
import java.util.Objects;

/**
 * The paper's solver behind {@link Solver}: the full solve is {@link CapacitySearch} (GBP-CR +
 * GCA over c, scored by the objective, §3 "choosing c"), the kept placement is
 * {@link CapacitySearch#allocateOnPlacement} (GCA only, §3 / Theorem 3). Deterministic for any
 * parallelism (CapacitySearch's guarantee). Immutable and thread-safe.
 */
public final class PaperSolver implements Solver {
    private final int parallelism;

    /**
     * @param parallelism threads the search over c may use, &gt;= 1
     */
    public PaperSolver(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1, was " + parallelism);
        }
        this.parallelism = parallelism;
    }

    @Override
    public Plan solveFull(Fleet fleet, Objective objective) {
        Objects.requireNonNull(objective, "objective");
        return new CapacitySearch(objective, parallelism).solve(fleet);
    }

    @Override
    public Plan solveOnPlacement(Fleet fleet, Objective objective, Placement placement) {
        Objects.requireNonNull(objective, "objective");
        return new CapacitySearch(objective, parallelism).allocateOnPlacement(fleet, placement);
    }
}
