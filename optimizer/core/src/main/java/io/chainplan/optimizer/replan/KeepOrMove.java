package io.chainplan.optimizer.replan;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Weighs a full re-placement against keeping the current placement with only the cache
 * allocation redone (DESIGN.md §2.4, issue 7 item 3): blocks move only when the predicted mean
 * response time (the Theorem 4 lower bound, the objective the paper found closest to the
 * simulated optimum, §1.2 "Choosing c") improves by more than a relative threshold.
 * <p>Rules, in order: no placement to keep, or keeping it is infeasible: move. The re-placement
 * is infeasible: keep. Both stable: move iff {@code (keepLower - moveLower) / keepLower >
 * threshold}. Only the re-placement is stable: move; only the kept one: keep. Neither is stable:
 * move iff the re-placement's total service rate nu exceeds the kept one's by more than the
 * threshold (relative). Immutable and thread-safe.
 */
public final class KeepOrMove {
    private final double gainThreshold;

    /**
     * @param gainThreshold the relative gain needed to move blocks, in [0, 1)
     */
    public KeepOrMove(double gainThreshold) {
        if (!(gainThreshold >= 0 && gainThreshold < 1)) {
            throw new IllegalArgumentException("gainThreshold must be in [0, 1), was " + gainThreshold);
        }
        this.gainThreshold = gainThreshold;
    }

    /** How a candidate plan came out. */
    public enum Outcome {
        /** Stable, with bounds. */
        OK,
        /** Cannot carry the arrival rate. */
        UNSTABLE,
        /** Cannot host the model. */
        INFEASIBLE
    }

    /**
     * A candidate plan as the decision sees it.
     *
     * @param outcome                   OK, UNSTABLE or INFEASIBLE
     * @param lowerSeconds              Theorem 4 lower bound on mean response time (OK only; NaN otherwise)
     * @param totalServiceRatePerSecond nu = sum c_k mu_k, &gt;= 0
     */
    public record Candidate(Outcome outcome, double lowerSeconds, double totalServiceRatePerSecond) {
        /** Validates the fields. */
        public Candidate {
            Objects.requireNonNull(outcome, "outcome");
            if (outcome == Outcome.OK && !(Double.isFinite(lowerSeconds) && lowerSeconds >= 0)) {
                throw new IllegalArgumentException("lowerSeconds of an OK candidate must be finite and >= 0, was "
                        + lowerSeconds);
            }
            if (!(totalServiceRatePerSecond >= 0)) {
                throw new IllegalArgumentException("totalServiceRatePerSecond must be >= 0, was "
                        + totalServiceRatePerSecond);
            }
        }
    }

    /**
     * The decision.
     *
     * @param move   true to adopt the full re-placement, false to keep the placement
     * @param reason why, with the numbers compared
     */
    public record Choice(boolean move, String reason) {
        /** Validates the fields. */
        public Choice {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * @param keep    the current placement with GCA redone; empty if there is no placement to keep
     * @param replace the full re-placement
     * @return move or keep, and why
     */
    public Choice choose(Optional<Candidate> keep, Candidate replace) {
        Objects.requireNonNull(replace, "replace");
        if (keep.isEmpty()) {
            return new Choice(true, "replace: no placement to keep");
        }
        Candidate k = keep.get();
        if (k.outcome() == Outcome.INFEASIBLE) {
            return new Choice(true, "replace: the kept placement is infeasible");
        }
        if (replace.outcome() == Outcome.INFEASIBLE) {
            return new Choice(false, "keep: the re-placement is infeasible");
        }
        if (k.outcome() == Outcome.OK && replace.outcome() == Outcome.OK) {
            return byLowerBound(k.lowerSeconds(), replace.lowerSeconds());
        }
        if (replace.outcome() == Outcome.OK) {
            return new Choice(true, "replace: only the re-placement is stable");
        }
        if (k.outcome() == Outcome.OK) {
            return new Choice(false, "keep: only the kept placement is stable");
        }
        return byServiceRate(k.totalServiceRatePerSecond(), replace.totalServiceRatePerSecond());
    }

    private Choice byLowerBound(double keepLower, double moveLower) {
        double gain = keepLower == 0 ? 0 : (keepLower - moveLower) / keepLower;
        boolean move = gain > gainThreshold;
        return new Choice(move, String.format(Locale.ROOT,
                "%s: lower bound keep %.6g s, replace %.6g s, gain %.2f%% %s threshold %.2f%%",
                move ? "replace" : "keep", keepLower, moveLower, 100 * gain, move ? ">" : "<=",
                100 * gainThreshold));
    }

    private Choice byServiceRate(double keepNu, double moveNu) {
        double gain = keepNu == 0 ? (moveNu > 0 ? Double.POSITIVE_INFINITY : 0) : (moveNu - keepNu) / keepNu;
        boolean move = gain > gainThreshold;
        return new Choice(move, String.format(Locale.ROOT,
                "%s: both unstable, service rate keep %.6g, replace %.6g req/s, gain %.2f%% %s threshold %.2f%%",
                move ? "replace" : "keep", keepNu, moveNu, 100 * gain, move ? ">" : "<=", 100 * gainThreshold));
    }
}
