package io.chainplan.ingest.estimate;

import java.util.ArrayList;
import java.util.List;

/**
 * A robust running mean of noisy timing samples with outliers: a clipped moving average
 * (a Huber-type M-estimator run as an exponentially weighted filter).
 *
 * <p>The first {@code warmupSamples} samples give a median and a scale from the median absolute
 * deviation (times 1.4826). After that each sample x moves the mean by
 * {@code alpha * clip(x - mean, -k s, k s)} and the scale by
 * {@code alpha * (1.2533 * min(|x - mean|, k s) - s)} (1.2533 = sqrt(pi/2) makes the mean absolute
 * deviation of a normal variable its standard deviation), with {@code alpha = 2 / (N + 1)} for an
 * effective window of N samples and k = {@code clipSigmas}. A sample far from the mean (a
 * straggler, a retry, a clock jump) therefore moves the mean by at most {@code alpha k s}, while
 * a genuine shift is followed: clipped samples push the scale up geometrically, which widens the
 * clip until the mean catches up. The scale never falls below {@code max(1e-6, 1e-3 |mean|)}
 * (samples are seconds), so identical samples do not freeze the filter.
 * <p>Why not a windowed median: it needs the last N samples in every state-store update (one
 * update per request hop); this needs three numbers, with similar robustness (breakdown in the
 * clip, bounded influence).
 * <p>Pure, immutable and thread-safe.
 */
public final class RobustMeanEstimator {
    private static final double MAD_TO_SIGMA = 1.4826;
    private static final double MEAN_ABS_TO_SIGMA = 1.2533;
    private static final double MIN_RELATIVE_SCALE = 1e-3;
    private static final double MIN_ABSOLUTE_SCALE = 1e-6;

    private final int warmupSamples;
    private final double alpha;
    private final double clipSigmas;

    /**
     * @param windowSamples N: effective number of samples averaged, {@code >= 1}
     * @param warmupSamples samples whose median starts the filter, {@code >= 1}
     * @param clipSigmas    k: residuals are clipped at k scales, {@code > 0}
     */
    public RobustMeanEstimator(int windowSamples, int warmupSamples, double clipSigmas) {
        if (windowSamples < 1) {
            throw new IllegalArgumentException("windowSamples must be >= 1, was " + windowSamples);
        }
        if (warmupSamples < 1) {
            throw new IllegalArgumentException("warmupSamples must be >= 1, was " + warmupSamples);
        }
        if (!(clipSigmas > 0) || Double.isInfinite(clipSigmas)) {
            throw new IllegalArgumentException("clipSigmas must be finite and > 0, was " + clipSigmas);
        }
        this.warmupSamples = warmupSamples;
        this.alpha = 2.0 / (windowSamples + 1);
        this.clipSigmas = clipSigmas;
    }

    /** @return window of 50 samples, warm-up of 5, clip at 3 scales */
    public static RobustMeanEstimator defaults() {
        return new RobustMeanEstimator(50, 5, 3.0);
    }

    /**
     * @param state current state
     * @param x     a new sample, finite
     * @return the state after it
     */
    public RobustMean add(RobustMean state, double x) {
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("sample must be finite, was " + x);
        }
        if (state.samples() < warmupSamples) {
            return warm(state, x);
        }
        double m = state.mean();
        double s = floorScale(state.scale(), m);
        double r = x - m;
        double c = clipSigmas * s;
        double clipped = Math.max(-c, Math.min(c, r));
        double mean = m + alpha * clipped;
        double scale = s + alpha * (MEAN_ABS_TO_SIGMA * Math.min(Math.abs(r), c) - s);
        return new RobustMean(state.samples() + 1, mean, floorScale(scale, mean), List.of());
    }

    private RobustMean warm(RobustMean state, double x) {
        List<Double> w = new ArrayList<>(state.warmup());
        w.add(x);
        double median = RobustMean.median(w);
        double scale = floorScale(MAD_TO_SIGMA * RobustMean.mad(w, median), median);
        boolean done = w.size() >= warmupSamples;
        return new RobustMean(state.samples() + 1, median, scale, done ? List.of() : w);
    }

    private static double floorScale(double s, double mean) {
        return Math.max(s, Math.max(MIN_ABSOLUTE_SCALE, MIN_RELATIVE_SCALE * Math.abs(mean)));
    }
}
