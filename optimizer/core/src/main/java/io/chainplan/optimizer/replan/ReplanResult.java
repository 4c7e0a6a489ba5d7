package io.chainplan.optimizer.replan;

import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.Plan;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The outcome of one re-plan: the chosen plan, what it kept or moved, and both predictions.
 *
 * @param plan                the chosen plan
 * @param fixedPlacement      the placement that was kept (only GCA redone); empty if the plan
 *                            comes from the full search
 * @param diff                what moves from the previous placement (everything, if none)
 * @param keepLowerSeconds    predicted lower bound of keeping the placement; NaN if not stable
 *                            or there was nothing to keep
 * @param replaceLowerSeconds predicted lower bound of the full re-placement; NaN if not stable
 * @param decision            which was chosen and why
 */
public record ReplanResult(Plan plan, Placement fixedPlacement, PlacementDiff diff, double keepLowerSeconds,
                           double replaceLowerSeconds, String decision) {
    /** Validates the fields. */
    public ReplanResult {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(fixedPlacement, "fixedPlacement");
        Objects.requireNonNull(diff, "diff");
        Objects.requireNonNull(decision, "decision");
    }

    /**
     * A result for a plan solved on its own (no previous plan, nothing kept), e.g. when replaying.
     *
     * @param plan the plan
     * @return the result: everything of the plan is new, no predictions recorded
     */
    public static ReplanResult alone(Plan plan) {
        PlacementDiff diff = PlacementDiff.between(java.util.List.of(), plan.placement().servers(), 0);
        return new ReplanResult(plan, Placement.empty(), diff, Double.NaN, Double.NaN, "solved alone");
    }

    /** @return the kept placement's lower bound, if it was evaluated and stable */
    public OptionalDouble keepLower() {
        return Double.isNaN(keepLowerSeconds) ? OptionalDouble.empty() : OptionalDouble.of(keepLowerSeconds);
    }

    /** @return the full re-placement's lower bound, if stable */
    public OptionalDouble replaceLower() {
        return Double.isNaN(replaceLowerSeconds) ? OptionalDouble.empty() : OptionalDouble.of(replaceLowerSeconds);
    }

    /** @return whether the placement was kept */
    public boolean keptPlacement() {
        return !fixedPlacement.isEmpty();
    }
}
