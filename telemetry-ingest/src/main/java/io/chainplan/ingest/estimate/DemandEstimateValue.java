package io.chainplan.ingest.estimate;

import io.chainplan.stats.PoissonInterval;

/**
 * One arrival-rate estimate for one model at one step boundary.
 *
 * @param atMillis          the step boundary (end of the data used), event time
 * @param ratePerSecond     lambda: the smoothed rate, requests per second
 * @param interval          the {@code confidence} interval of the rate (exact Poisson, Garwood)
 * @param spanSeconds       length of the data behind the estimate: the current regime, at most
 *                          the horizon
 * @param arrivals          arrivals in that span (before burst clipping)
 * @param meanInputTokens   mean prompt length of arrivals in the span's newest token regime ({@link TokenMeans}), 0 if none reported one
 * @param meanOutputTokens  mean generated length of completions in that token regime, 0 if none reported one
 * @param inputTokensError  standard error of {@code meanInputTokens}, 0 if unknown
 * @param outputTokensError standard error of {@code meanOutputTokens}, 0 if unknown
 * @param changePoint       whether a change point was detected at this step
 * @param burstiness        how bursty the arrivals of the current regime are
 * @param tokenMixPending   whether the token mix is still to be measured: requests arrived, but none of their
 *                          buckets is mature yet ({@link TokenMeans#pending})
 */
public record DemandEstimateValue(long atMillis, double ratePerSecond, PoissonInterval interval, double spanSeconds,
                                  long arrivals, double meanInputTokens, double meanOutputTokens, double inputTokensError,
                                  double outputTokensError, boolean changePoint,
                                  BurstinessEstimate burstiness, boolean tokenMixPending) {
    /** Validates the numbers. */
    public DemandEstimateValue {
        if (interval == null) {
            throw new NullPointerException("interval");
        }
        if (burstiness == null) {
            throw new NullPointerException("burstiness");
        }
        if (!(ratePerSecond >= 0) || !(spanSeconds > 0) || arrivals < 0 || !(meanInputTokens >= 0) || !(meanOutputTokens >= 0)
                || !(inputTokensError >= 0) || !(outputTokensError >= 0)) {
            throw new IllegalArgumentException("invalid demand estimate: rate " + ratePerSecond + ", span " + spanSeconds
                    + ", arrivals " + arrivals + ", tokens " + meanInputTokens + "/" + meanOutputTokens + " +- "
                    + inputTokensError + "/" + outputTokensError);
        }
    }
}
