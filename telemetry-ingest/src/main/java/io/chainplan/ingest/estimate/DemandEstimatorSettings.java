package io.chainplan.ingest.estimate;

import io.chainplan.optimizer.arrival.Burstiness;

/**
 * Tuning of {@link ArrivalRateEstimator}. All times are event-time milliseconds.
 *
 * @param windowMillis          W: the nominal estimation window (default 60 s); a sustained
 *                              shift shows in the estimate within about one window
 * @param stepMillis            S: the estimate advances every S (default 5 s); must divide W
 * @param horizonWindows        the estimate uses at most this many windows of data (default 3)
 * @param confidence            level of the reported interval (default 0.95)
 * @param burstBuckets          b: a burst of up to b buckets can never fire the change detector
 *                              on its own (default 2, i.e. 10 s)
 * @param shiftRatio            delta: the change detector tests for the rate moving by this factor,
 *                              up or down (default 1.5)
 * @param cusumThreshold        h: the log-likelihood-ratio CUSUM threshold (default 12)
 * @param clipQuantile          each bucket's count is winsorized at this Poisson quantile of the
 *                              level in force before it enters the level (default 0.999)
 * @param burstinessHistoryMillis burstiness is measured over at most this much of the current
 *                              regime, the newest buckets (default 10 min); a multiple of S; the token
 *                              means use this history too
 * @param maxCompletionWaitMillis the token means count a bucket of arrivals once every request of it has
 *                              completed, or, for requests that never complete (dropped after their last
 *                              attempt, events lost), once its end is this much older than the boundary
 *                              (default 2 min; {@link TokenMeans#mature}); at most the token history
 */
public record DemandEstimatorSettings(long windowMillis, long stepMillis, int horizonWindows, double confidence,
                                      int burstBuckets, double shiftRatio, double cusumThreshold, double clipQuantile,
                                      long burstinessHistoryMillis, long maxCompletionWaitMillis) {
    /**
     * Validates: positive times, W and the burstiness history multiples of S, W of at least 2 steps,
     * probabilities in (0, 1), delta > 1, h > 0, the completion wait within the token history.
     */
    public DemandEstimatorSettings {
        if (stepMillis <= 0) {
            throw new IllegalArgumentException("stepMillis must be > 0, was " + stepMillis);
        }
        if (windowMillis <= 0 || windowMillis % stepMillis != 0) {
            throw new IllegalArgumentException("windowMillis must be a positive multiple of stepMillis " + stepMillis
                    + ", was " + windowMillis);
        }
        if (horizonWindows < 1) {
            throw new IllegalArgumentException("horizonWindows must be >= 1, was " + horizonWindows);
        }
        requireProbability(confidence, "confidence");
        if (!(shiftRatio > 1) || Double.isInfinite(shiftRatio)) {
            throw new IllegalArgumentException("shiftRatio must be finite and > 1, was " + shiftRatio);
        }
        if (!(cusumThreshold > 0) || Double.isInfinite(cusumThreshold)) {
            throw new IllegalArgumentException("cusumThreshold must be finite and > 0, was " + cusumThreshold);
        }
        requireProbability(clipQuantile, "clipQuantile");
        if (burstBuckets < 0) {
            throw new IllegalArgumentException("burstBuckets must be >= 0, was " + burstBuckets);
        }
        if (windowMillis / stepMillis < 2) {
            throw new IllegalArgumentException("the window must hold at least 2 steps, has " + windowMillis / stepMillis);
        }
        if (burstinessHistoryMillis <= 0 || burstinessHistoryMillis % stepMillis != 0
                || burstinessHistoryMillis / stepMillis > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("burstinessHistoryMillis must be a positive multiple of stepMillis " + stepMillis
                    + ", was " + burstinessHistoryMillis);
        }
        long history = Math.max(burstinessHistoryMillis, windowMillis * horizonWindows);
        if (maxCompletionWaitMillis <= 0 || maxCompletionWaitMillis > history) {
            throw new IllegalArgumentException("maxCompletionWaitMillis must be in [1, " + history
                    + "] (the token history), was " + maxCompletionWaitMillis);
        }
    }

    /**
     * @return W = 60 s, S = 5 s, 3 windows of horizon, 95% interval, 10 s burst tolerance,
     *         delta = 1.5, h = 12, clipping at the 99.9% quantile, 10 min of burstiness and token history, token
     *         counts waiting at most 2 min for a bucket's requests to complete
     */
    public static DemandEstimatorSettings defaults() {
        return new DemandEstimatorSettings(60_000, 5_000, 3, 0.95, 2, 1.5, 12, 0.999, 600_000, 120_000);
    }

    /**
     * @param windowMillis new W
     * @param stepMillis   new S
     * @return a copy with another window and step
     */
    public DemandEstimatorSettings withWindow(long windowMillis, long stepMillis) {
        return new DemandEstimatorSettings(windowMillis, stepMillis, horizonWindows, confidence, burstBuckets,
                shiftRatio, cusumThreshold, clipQuantile, burstinessHistoryMillis, maxCompletionWaitMillis);
    }

    /** @return buckets of token history the state keeps: the rate's horizon, or the longer burstiness history */
    public int tokenHistoryBuckets() {
        return Math.max(horizonBuckets(), burstinessHistoryBuckets());
    }

    /** @return buckets of burstiness history, at most */
    public int burstinessHistoryBuckets() {
        return (int) (burstinessHistoryMillis / stepMillis);
    }

    /**
     * @return the burstiness measurement: the windows of {@link Burstiness#WINDOWS_SECONDS}, each
     *         rounded up to whole buckets of S
     */
    public BurstinessEstimator burstinessEstimator() {
        return new BurstinessEstimator(stepMillis / 1000.0, BurstinessEstimator.windowBuckets(stepMillis,
                Burstiness.WINDOWS_SECONDS));
    }

    /** @return buckets per window, W / S */
    public int windowBuckets() {
        return (int) (windowMillis / stepMillis);
    }

    /** @return buckets in the horizon */
    public int horizonBuckets() {
        return windowBuckets() * horizonWindows;
    }

    /** @return buckets a regime must have before the change detector runs on it: half a window */
    public int warmupBuckets() {
        return Math.max(1, windowBuckets() / 2);
    }

    /** @return the cap on one bucket's CUSUM increment, h / (b + 2) */
    public double maxIncrement() {
        return cusumThreshold / (burstBuckets + 2);
    }

    private static void requireProbability(double p, String name) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException(name + " must be in (0, 1), was " + p);
        }
    }
}
