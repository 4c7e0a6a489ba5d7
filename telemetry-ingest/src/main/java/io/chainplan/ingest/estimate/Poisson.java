package io.chainplan.ingest.estimate;

/**
 * Poisson distribution function and quantiles, through the identity
 * {@code P(X <= k) = 1 - P(k + 1, mu)} with the regularized incomplete gamma of {@link Gamma}.
 * Stateless and thread-safe.
 */
public final class Poisson {
    private Poisson() {
    }

    /**
     * @param k   count, may be negative (probability 0)
     * @param mean Poisson mean, {@code >= 0}
     * @return P(X &lt;= k)
     */
    public static double cdf(long k, double mean) {
        if (!(mean >= 0) || Double.isInfinite(mean)) {
            throw new IllegalArgumentException("mean must be finite and >= 0, was " + mean);
        }
        if (k < 0) {
            return 0;
        }
        if (mean == 0) {
            return 1;
        }
        return 1 - Gamma.regularizedP(k + 1.0, mean);
    }

    /**
     * The smallest k with {@code P(X <= k) >= p}.
     *
     * @param p    probability in (0, 1)
     * @param mean Poisson mean, {@code >= 0}
     * @return the p-quantile
     */
    public static long quantile(double p, double mean) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("p must be in (0, 1), was " + p);
        }
        if (mean == 0) {
            return 0;
        }
        long lo = -1;
        long hi = (long) Math.ceil(mean + 12 * Math.sqrt(mean) + 12);
        while (cdf(hi, mean) < p) {
            hi *= 2;
        }
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            if (cdf(mid, mean) >= p) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }
}
