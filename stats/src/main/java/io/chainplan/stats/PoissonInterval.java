package io.chainplan.stats;

import org.apache.commons.statistics.distribution.GammaDistribution;

/**
 * A two-sided confidence interval for a Poisson rate, in events per second.
 *
 * @param lowerPerSecond lower end, {@code >= 0}
 * @param upperPerSecond upper end, {@code >= lowerPerSecond}
 */
public record PoissonInterval(double lowerPerSecond, double upperPerSecond) {
    /** Validates the ends. */
    public PoissonInterval {
        if (!(lowerPerSecond >= 0) || !(upperPerSecond >= lowerPerSecond) || Double.isInfinite(upperPerSecond)) {
            throw new IllegalArgumentException("need 0 <= lower <= upper < inf, was [" + lowerPerSecond + ", " + upperPerSecond + "]");
        }
    }

    /**
     * The exact (Garwood 1936) interval for the rate of a Poisson process that produced
     * {@code count} events in {@code exposureSeconds}: with {@code a = 1 - confidence},
     * {@code lower = G^-1(a/2; count) / t} (0 when count is 0) and
     * {@code upper = G^-1(1 - a/2; count + 1) / t}, where {@code G^-1(p; k)} is the p-quantile
     * of a Gamma(k, 1) variable (half the chi-square quantile with 2k degrees of freedom), from
     * Apache Commons Statistics ({@link GammaDistribution}).
     * Its coverage is at least {@code confidence} for every rate (it is conservative).
     *
     * @param count           events seen, {@code >= 0}
     * @param exposureSeconds observation time, {@code > 0}
     * @param confidence      e.g. 0.95, in (0, 1)
     * @return the interval
     */
    public static PoissonInterval garwood(long count, double exposureSeconds, double confidence) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, was " + count);
        }
        if (!(exposureSeconds > 0) || Double.isInfinite(exposureSeconds)) {
            throw new IllegalArgumentException("exposureSeconds must be finite and > 0, was " + exposureSeconds);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), was " + confidence);
        }
        double alpha = 1 - confidence;
        double lower = count == 0 ? 0 : GammaDistribution.of(count, 1).inverseCumulativeProbability(alpha / 2);
        double upper = GammaDistribution.of(count + 1.0, 1).inverseCumulativeProbability(1 - alpha / 2);
        return new PoissonInterval(lower / exposureSeconds, Math.max(lower, upper) / exposureSeconds);
    }

    /**
     * @param ratePerSecond a rate
     * @return whether the interval contains it (ends included)
     */
    public boolean contains(double ratePerSecond) {
        return ratePerSecond >= lowerPerSecond && ratePerSecond <= upperPerSecond;
    }
}
