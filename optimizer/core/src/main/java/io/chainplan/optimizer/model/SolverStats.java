package io.chainplan.optimizer.model;

import java.util.Objects;

/**
 * How a solve went (DESIGN.md §4.2 {@code solver}).
 *
 * @param millis wall-clock solve time in ms, measured by the caller (pure code reads no clock; 0 until set)
 * @param objective objective of the search over c
 * @param candidatesTried values of c considered (including those skipped because their placement
 *     repeated an earlier one, and those a run of c values with one GBP-CR result stands for)
 * @param placementsEvaluated distinct placements on which GCA and the bounds were run
 */
public record SolverStats(double millis, Objective objective, int candidatesTried, int placementsEvaluated) {
    /** Validates the fields. */
    public SolverStats {
        Checks.nonNegativeFinite(millis, "millis");
        Objects.requireNonNull(objective, "objective");
        if (candidatesTried < 0 || placementsEvaluated < 0) {
            throw new IllegalArgumentException("candidate counts must be >= 0, were " + candidatesTried + " and " + placementsEvaluated);
        }
    }

    /**
     * @param ms solve time in ms
     * @return these stats with the solve time set
     */
    public SolverStats withMillis(double ms) {
        return new SolverStats(ms, objective, candidatesTried, placementsEvaluated);
    }
}
