package io.chainplan.ingest.estimate;

import java.util.Arrays;
import java.util.Objects;

/**
 * A robust, bounded-memory linear regression of a server's hop timings on the request's tokens
 * (the paper's per-token cost model, DESIGN.md §1.3): exponentially weighted least squares with
 * Huber weights, the regression counterpart of {@link RobustMeanEstimator}.
 *
 * <p><b>Update.</b> Each sample {@code (x, y)} first gets its residual against the current fit,
 * {@code r = y - x . theta} ({@code theta} solves the normal equations with a relative ridge of
 * 1e-9, so that a direction the data do not determine yet predicts as the others), and a Huber weight
 * {@code w = min(1, k s / |r|)} for the robust scale {@code s} and {@code k = clipSigmas}; then
 * the sums decay by {@code lambda = 1 - alpha} and take the sample with weight {@code w}, and the
 * scale moves by {@code alpha (1.2533 min(|r|, k s) - s)}, with {@code alpha = 2 / (N + 1)} for an
 * effective window of N samples (the same as the robust mean's). A straggler therefore moves the
 * sums by at most {@code k s} in y, while a genuine change is followed: clipped samples push the
 * scale up, which widens the clip. The scale never falls below {@code max(1e-6, 1e-3 |mean y|)}.
 * <p><b>Warm-up.</b> The first {@code 3 p} samples ({@code p} coefficients) are kept as they
 * come (bounded: 9 samples at most); when the last one arrives the fit is redone from them
 * robustly: the least-median-of-squares fit through {@code p} of them, then three Huber-reweighted
 * passes with the scale from the median absolute residual times 1.4826, so that an outlier among
 * the first samples does not seed the fit.
 * <p>Memory: {@code p (p + 1) / 2 + p + 2} numbers and the scale, whatever the number of samples.
 * <p>Pure, immutable and thread-safe.
 */
public final class TokenRegression {
    private static final double MAD_TO_SIGMA = 1.4826;
    private static final double MEAN_ABS_TO_SIGMA = 1.2533;
    private static final double MIN_RELATIVE_SCALE = 1e-3;
    private static final double MIN_ABSOLUTE_SCALE = 1e-6;
    private static final double PREDICTION_RIDGE = 1e-9;
    private static final int WARMUP_PASSES = 2;

    private final double alpha;
    private final double clipSigmas;

    /**
     * @param windowSamples N: effective number of samples, {@code >= 1}
     * @param clipSigmas    k: residuals beyond k scales are down-weighted, {@code > 0}
     */
    public TokenRegression(int windowSamples, double clipSigmas) {
        if (windowSamples < 1) {
            throw new IllegalArgumentException("windowSamples must be >= 1, was " + windowSamples);
        }
        if (!(clipSigmas > 0) || Double.isInfinite(clipSigmas)) {
            throw new IllegalArgumentException("clipSigmas must be finite and > 0, was " + clipSigmas);
        }
        this.alpha = 2.0 / (windowSamples + 1);
        this.clipSigmas = clipSigmas;
    }

    /**
     * @param dimension number of coefficients
     * @return samples kept before the first robust fit, {@code 3 p}
     */
    public static int warmupSamples(int dimension) {
        return 3 * dimension;
    }

    /**
     * @param fit the state
     * @param x   regressors, {@code x[0] = 1}, each finite and {@code >= 0}
     * @param y   the timing, seconds, finite and {@code >= 0}
     * @return the state after the sample
     */
    public TokenFit add(TokenFit fit, double[] x, double y) {
        Objects.requireNonNull(fit, "fit");
        Objects.requireNonNull(x, "x");
        if (x.length != fit.dimension() || x[0] != 1) {
            throw new IllegalArgumentException("x must have " + fit.dimension() + " regressors, the first 1, was "
                    + Arrays.toString(x));
        }
        return add(fit, x[1], fit.dimension() > 2 ? x[2] : 0, y);
    }

    /**
     * The per-hop form of {@link #add(TokenFit, double[], double)}, without a regressor array.
     *
     * @param fit the state
     * @param x1  second regressor ({@code l_in} for compute, {@code l_out - 1} for communication), finite, {@code >= 0}
     * @param x2  third regressor ({@code l_out - 1} for compute; 0 for a fit of two coefficients), finite, {@code >= 0}
     * @param y   the timing, seconds, finite and {@code >= 0}
     * @return the state after the sample
     */
    public TokenFit add(TokenFit fit, double x1, double x2, double y) {
        Objects.requireNonNull(fit, "fit");
        int p = fit.dimension();
        requireSample(p, x1, x2, y);
        if (fit.samples() < warmupSamples(p)) {
            return warm(fit, p == 3 ? new double[] {1, x1, x2} : new double[] {1, x1}, y);
        }
        double s = floorScale(fit.scale(), fit.meanResponse());
        double r = y - predict(fit, x1, x2);
        double c = clipSigmas * s;
        double w = Math.abs(r) <= c ? 1 : c / Math.abs(r);
        double[] sums = decayed(fit.sumsView(), 1 - alpha);
        accumulate(sums, p, x1, x2, y, w);
        double scale = s + alpha * (MEAN_ABS_TO_SIGMA * Math.min(Math.abs(r), c) - s);
        return fit.with(sums, fit.samples() + 1, floorScale(scale, sums[SymmetricSystem.packedSize(p)] / sums[0]),
                fit.warmupView());
    }

    /**
     * The data's own coefficients (no prior), to predict with.
     *
     * @param fit a state with at least one sample
     * @return theta; a direction the samples do not determine gets the smallest coefficients that fit
     */
    public double[] coefficients(TokenFit fit) {
        return dataCoefficients(Objects.requireNonNull(fit, "fit"));
    }

    private static double[] dataCoefficients(TokenFit fit) {
        int p = fit.dimension();
        double[] theta = SymmetricSystem.solve(p, fit.sumsView(), PREDICTION_RIDGE, fit.sumsView(), SymmetricSystem.packedSize(p));
        if (theta == null) {
            // only with no weight at all: predict the mean (0 before any sample)
            theta = new double[p];
            theta[0] = fit.weight() > 0 ? fit.meanResponse() : 0;
        }
        return theta;
    }

    /** The data's own fit at {@code (1, x1, x2)} (as {@link #coefficients}), without allocating: this runs once per hop. */
    private static double predict(TokenFit fit, double x1, double x2) {
        int p = fit.dimension();
        double[] sums = fit.sumsView();
        double prediction = SymmetricSystem.predict(p, sums, PREDICTION_RIDGE, sums, SymmetricSystem.packedSize(p), x1, x2);
        if (Double.isNaN(prediction)) {
            double[] theta = dataCoefficients(fit);
            prediction = theta[0] + x1 * theta[1] + (p > 2 ? x2 * theta[2] : 0);
        }
        return prediction;
    }

    private TokenFit warm(TokenFit fit, double[] x, double y) {
        int p = fit.dimension();
        double[] warmup = Arrays.copyOf(fit.warmupView(), fit.warmupView().length + p + 1);
        System.arraycopy(x, 0, warmup, warmup.length - p - 1, p);
        warmup[warmup.length - 1] = y;
        long n = fit.samples() + 1;
        if (n < warmupSamples(p)) {
            double[] sums = decayed(fit.sumsView(), 1 - alpha);
            accumulate(sums, p, x, y, 1);
            return fit.with(sums, n, Double.NaN, warmup);
        }
        return robustStart(fit, warmup, n);
    }

    /**
     * A robust fit of the warm-up samples: the least-median-of-squares start (Rousseeuw 1984: of the
     * exact fits through every {@code p} of the samples, the one with the smallest median absolute
     * residual), then Huber-reweighted least squares with the scale from the median absolute
     * residual; the sums are rebuilt from the samples with their final weights.
     */
    private TokenFit robustStart(TokenFit fit, double[] warmup, long n) {
        int p = fit.dimension();
        int m = warmup.length / (p + 1);
        double[] theta = medianOfSquaresStart(p, warmup, m);
        double[] weights = new double[m];
        double scale = Double.NaN;
        for (int pass = 0; pass <= WARMUP_PASSES; pass++) {
            double[] residuals = residuals(p, warmup, m, theta);
            double[] abs = Arrays.stream(residuals).map(Math::abs).toArray();
            scale = floorScale(MAD_TO_SIGMA * median(abs), meanY(p, warmup, m));
            double c = clipSigmas * scale;
            for (int k = 0; k < m; k++) {
                weights[k] = abs[k] <= c ? 1 : c / abs[k];
            }
            theta = dataCoefficients(fit.with(sumsOf(p, warmup, weights, 1), n, Double.NaN, new double[0]));
        }
        return fit.with(sumsOf(p, warmup, weights, 1 - alpha), n, scale, new double[0]);
    }

    /** The exact fit through {@code p} samples with the smallest median absolute residual (the median of y if none is determined). */
    private static double[] medianOfSquaresStart(int p, double[] warmup, int m) {
        double[] best = null;
        double bestScore = Double.POSITIVE_INFINITY;
        for (int mask = 0; mask < 1 << m; mask++) {
            if (Integer.bitCount(mask) != p) {
                continue;
            }
            double[] theta = exactFit(p, warmup, mask);
            if (theta != null) {
                double[] abs = Arrays.stream(residuals(p, warmup, m, theta)).map(Math::abs).toArray();
                double score = median(abs);
                if (score < bestScore) {
                    best = theta;
                    bestScore = score;
                }
            }
        }
        if (best == null) {
            best = new double[p];
            double[] y = new double[m];
            for (int k = 0; k < m; k++) {
                y[k] = warmup[k * (p + 1) + p];
            }
            best[0] = median(y);
        }
        return best;
    }

    /** The least-squares fit through the samples in {@code mask} (as many as coefficients), or null if they do not determine it. */
    private static double[] exactFit(int p, double[] warmup, int mask) {
        double[] sums = new double[TokenFit.sumsLength(p)];
        for (int k = 0; mask >> k != 0; k++) {
            if ((mask & (1 << k)) != 0) {
                accumulate(sums, p, Arrays.copyOfRange(warmup, k * (p + 1), k * (p + 1) + p), warmup[k * (p + 1) + p], 1);
            }
        }
        int a = SymmetricSystem.packedSize(p);
        return SymmetricSystem.solve(p, Arrays.copyOf(sums, a), Arrays.copyOfRange(sums, a, a + p));
    }

    private static double[] residuals(int p, double[] warmup, int m, double[] theta) {
        double[] r = new double[m];
        for (int k = 0; k < m; k++) {
            r[k] = warmup[k * (p + 1) + p] - dot(warmup, k * (p + 1), theta);
        }
        return r;
    }

    private static double meanY(int p, double[] warmup, int m) {
        double sum = 0;
        for (int k = 0; k < m; k++) {
            sum += warmup[k * (p + 1) + p];
        }
        return sum / m;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    }

    /** The sums of samples with weights, the last one undecayed, each earlier one decayed once more per later one. */
    private static double[] sumsOf(int p, double[] samples, double[] weights, double lambda) {
        double[] sums = new double[TokenFit.sumsLength(p)];
        for (int k = 0; k < weights.length; k++) {
            sums = decayed(sums, lambda);
            double[] x = Arrays.copyOfRange(samples, k * (p + 1), k * (p + 1) + p);
            accumulate(sums, p, x, samples[k * (p + 1) + p], weights[k]);
        }
        return sums;
    }

    static double[] decayed(double[] sums, double lambda) {
        double[] out = new double[sums.length];
        for (int i = 0; i < sums.length - 1; i++) {
            out[i] = sums[i] * lambda;
        }
        out[sums.length - 1] = sums[sums.length - 1] * lambda * lambda;
        return out;
    }

    /** {@link #accumulate(double[], int, double[], double, double)} for {@code x = (1, x1[, x2])}. */
    private static void accumulate(double[] sums, int p, double x1, double x2, double y, double w) {
        if (p == 2) {
            sums[0] += w;
            sums[1] += w * x1;
            sums[2] += w * x1 * x1;
            sums[3] += w * y;
            sums[4] += w * x1 * y;
            sums[5] += w * y * y;
            sums[6] += w * w;
        } else {
            sums[0] += w;
            sums[1] += w * x1;
            sums[2] += w * x2;
            sums[3] += w * x1 * x1;
            sums[4] += w * x1 * x2;
            sums[5] += w * x2 * x2;
            sums[6] += w * y;
            sums[7] += w * x1 * y;
            sums[8] += w * x2 * y;
            sums[9] += w * y * y;
            sums[10] += w * w;
        }
    }

    /** Adds {@code w (x x', x y, y^2)} and {@code w^2} to the sums, in place. */
    static void accumulate(double[] sums, int p, double[] x, double y, double w) {
        int k = 0;
        for (int i = 0; i < p; i++) {
            for (int j = i; j < p; j++) {
                sums[k++] += w * x[i] * x[j];
            }
        }
        for (int i = 0; i < p; i++) {
            sums[k++] += w * x[i] * y;
        }
        sums[k++] += w * y * y;
        sums[k] += w * w;
    }

    static double dot(double[] x, double[] theta) {
        return dot(x, 0, theta);
    }

    private static double dot(double[] x, int from, double[] theta) {
        double sum = 0;
        for (int i = 0; i < theta.length; i++) {
            sum += x[from + i] * theta[i];
        }
        return sum;
    }

    private static double floorScale(double s, double meanY) {
        double floor = Math.max(MIN_ABSOLUTE_SCALE, MIN_RELATIVE_SCALE * (Double.isFinite(meanY) ? Math.abs(meanY) : 0));
        return Double.isNaN(s) ? floor : Math.max(s, floor);
    }

    private static void requireSample(int p, double x1, double x2, double y) {
        if (!(x1 >= 0 && Double.isFinite(x1)) || !(x2 >= 0 && Double.isFinite(x2)) || (p == 2 && x2 != 0)) {
            throw new IllegalArgumentException("regressors must be finite and >= 0 (and the third 0 for " + p
                    + " coefficients), were " + x1 + ", " + x2);
        }
        if (!(y >= 0 && Double.isFinite(y))) {
            throw new IllegalArgumentException("y must be finite and >= 0, was " + y);
        }
    }
}
