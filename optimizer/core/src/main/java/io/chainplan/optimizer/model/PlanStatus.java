package io.chainplan.optimizer.model;

/** Outcome of a solve (DESIGN.md §4.2). */
public enum PlanStatus {
    /** A stable plan: {@code lambda < nu}. */
    OK,
    /** The fleet cannot host the model (no chain covers all blocks); the plan has no chains. */
    INFEASIBLE,
    /** No plan found carries {@code lambda}; the best plan is still given with its total rate. */
    UNSTABLE
}
