package io.chainplan.optimizer.model;

/**
 * Bounds on the mean response time under JFFC (the paper, Theorem 4). Both are
 * {@link Double#POSITIVE_INFINITY} when the plan is not stable ({@link #UNBOUNDED}).
 *
 * @param lowerSeconds lower bound, seconds ({@code >= 0})
 * @param upperSeconds upper bound, seconds ({@code >= lowerSeconds}, up to rounding)
 */
public record Bounds(double lowerSeconds, double upperSeconds) {
    /** Bounds of an unstable or empty plan. */
    public static final Bounds UNBOUNDED = new Bounds(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);

    /** Validates the fields. */
    public Bounds {
        if (!(lowerSeconds >= 0) || !(upperSeconds >= 0)) {
            throw new IllegalArgumentException("bounds must be >= 0, were " + lowerSeconds + " and " + upperSeconds);
        }
    }

    /** @return whether both bounds are finite */
    public boolean isFinite() {
        return Double.isFinite(lowerSeconds) && Double.isFinite(upperSeconds);
    }
}
