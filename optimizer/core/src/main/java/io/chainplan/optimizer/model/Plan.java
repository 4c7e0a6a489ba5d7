package io.chainplan.optimizer.model;

import io.chainplan.optimizer.arrival.ArrivalModel;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A solved placement and cache allocation (DESIGN.md §2.3, §4.2).
 *
 * @param modelId model id
 * @param status OK, INFEASIBLE or UNSTABLE
 * @param reason why the status is not OK; empty for OK
 * @param c the cache reservation c of GBP-CR (0 when the placement was given, not searched)
 * @param arrivals the arrival process the plan was solved for (its mean rate is lambda)
 * @param placement per-server block ranges and cache slots
 * @param chains chains, fastest first (non-decreasing service time); empty when INFEASIBLE
 * @param totalServiceRatePerSecond nu = sum over chains of c_k / T_k
 * @param bounds predicted mean response time: the Theorem 4 bounds under Poisson arrivals, their
 *     counterpart under the arrival process for bursty arrivals; {@link Bounds#UNBOUNDED} unless OK
 * @param solver solver statistics
 */
public record Plan(String modelId, PlanStatus status, String reason, int c, ArrivalModel arrivals,
        Placement placement, List<Chain> chains, double totalServiceRatePerSecond, Bounds bounds,
        SolverStats solver) {
    /** Validates the fields and copies the chain list. */
    public Plan {
        Checks.nonBlank(modelId, "modelId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        if (c < 0) {
            throw new IllegalArgumentException("c must be >= 0, was " + c);
        }
        Objects.requireNonNull(arrivals, "arrivals");
        Objects.requireNonNull(placement, "placement");
        chains = List.copyOf(Objects.requireNonNull(chains, "chains"));
        Checks.nonNegativeFinite(totalServiceRatePerSecond, "totalServiceRatePerSecond");
        Objects.requireNonNull(bounds, "bounds");
        Objects.requireNonNull(solver, "solver");
    }

    /**
     * A plan solved for Poisson arrivals at {@code arrivalRatePerSecond}.
     *
     * @param modelId model id
     * @param status OK, INFEASIBLE or UNSTABLE
     * @param reason why the status is not OK; empty for OK
     * @param c the cache reservation
     * @param arrivalRatePerSecond lambda
     * @param placement per-server block ranges and cache slots
     * @param chains chains, fastest first
     * @param totalServiceRatePerSecond nu
     * @param bounds Theorem 4 bounds
     * @param solver solver statistics
     */
    public Plan(String modelId, PlanStatus status, String reason, int c, double arrivalRatePerSecond,
            Placement placement, List<Chain> chains, double totalServiceRatePerSecond, Bounds bounds, SolverStats solver) {
        this(modelId, status, reason, c, new ArrivalModel.Poisson(Checks.nonNegativeFinite(arrivalRatePerSecond,
                "arrivalRatePerSecond")), placement, chains, totalServiceRatePerSecond, bounds, solver);
    }

    /** @return lambda, the mean arrival rate the plan was solved for */
    public double arrivalRatePerSecond() {
        return arrivals.ratePerSecond();
    }

    /**
     * An INFEASIBLE plan: no chains, no placement.
     *
     * @param modelId model id
     * @param reason why the fleet cannot host the model
     * @param arrivalRate lambda
     * @param solver solver statistics
     * @return the plan
     */
    public static Plan infeasible(String modelId, String reason, double arrivalRate, SolverStats solver) {
        return infeasible(modelId, reason, new ArrivalModel.Poisson(arrivalRate), solver);
    }

    /**
     * An INFEASIBLE plan: no chains, no placement.
     *
     * @param modelId model id
     * @param reason why the fleet cannot host the model
     * @param arrivals the arrival process
     * @param solver solver statistics
     * @return the plan
     */
    public static Plan infeasible(String modelId, String reason, ArrivalModel arrivals, SolverStats solver) {
        return new Plan(modelId, PlanStatus.INFEASIBLE, reason, 0, arrivals, Placement.empty(), List.of(), 0.0,
                Bounds.UNBOUNDED, solver);
    }

    /** @return the reason, empty for OK plans */
    public Optional<String> reasonText() {
        return reason.isEmpty() ? Optional.empty() : Optional.of(reason);
    }

    /** @return the bounds if they are finite (status OK) */
    public Optional<Bounds> finiteBounds() {
        return bounds.isFinite() ? Optional.of(bounds) : Optional.empty();
    }

    /** @return C = sum over chains of c_k */
    public long totalCapacity() {
        return chains.stream().mapToLong(Chain::capacity).sum();
    }

    /**
     * @param ms measured solve time
     * @return this plan with the solver time set
     */
    public Plan withSolverMillis(double ms) {
        return new Plan(modelId, status, reason, c, arrivals, placement, chains, totalServiceRatePerSecond,
                bounds, solver.withMillis(ms));
    }
}
