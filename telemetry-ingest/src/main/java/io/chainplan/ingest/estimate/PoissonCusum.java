package io.chainplan.ingest.estimate;

import org.apache.commons.statistics.distribution.PoissonDistribution;

/**
 * The increments of the two one-sided Poisson CUSUMs of {@link ArrivalRateEstimator} (Page 1954;
 * Lucas 1985 for counts), for a bucket count x against a level {@code mu0} per bucket: the
 * log-likelihood ratio of a rate {@code delta} times (upward) or {@code 1/delta} times (downward)
 * the level, each capped at {@code h / (b + 2)} so that a burst of at most b buckets cannot reach
 * the threshold h on its own. The one rule for the rate's change points and for the burstiness
 * span's ({@link BurstinessTracker}), with the winsorizing cap that keeps bursts from moving the
 * level a bucket is compared with. Immutable and thread-safe.
 */
final class PoissonCusum {
    private final double shiftRatio;
    private final double logRatio;
    private final double maxIncrement;
    private final double threshold;
    private final double clipQuantile;

    PoissonCusum(DemandEstimatorSettings settings) {
        this.shiftRatio = settings.shiftRatio();
        this.logRatio = Math.log(shiftRatio);
        this.maxIncrement = settings.maxIncrement();
        this.threshold = settings.cusumThreshold();
        this.clipQuantile = settings.clipQuantile();
    }

    /**
     * The winsorizing cap for a bucket: the smallest k with {@code P(X <= k) >= clipQuantile} for a
     * Poisson count X of mean {@code level} (0 for a level of 0).
     */
    long clipAt(double level) {
        return level > 0 ? PoissonDistribution.of(level).inverseCumulativeProbability(clipQuantile) : 0;
    }

    /** Log-likelihood ratio of rate delta * mu0 against mu0 for count x, capped at h / (b + 2). */
    double upIncrement(long x, double mu0) {
        return Math.min(maxIncrement, x * logRatio - mu0 * (shiftRatio - 1));
    }

    /** Log-likelihood ratio of rate mu0 / delta against mu0 for count x, capped at h / (b + 2). */
    double downIncrement(long x, double mu0) {
        return Math.min(maxIncrement, -x * logRatio + mu0 * (1 - 1 / shiftRatio));
    }

    /** @return h */
    double threshold() {
        return threshold;
    }
}
