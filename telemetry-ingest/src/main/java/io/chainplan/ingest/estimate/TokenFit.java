package io.chainplan.ingest.estimate;

import java.util.Arrays;

/**
 * The state of one robust, exponentially weighted least-squares fit {@code y ~ x . theta}
 * ({@link TokenRegression}) with the intercept first ({@code x[0] = 1}): its decayed, weighted
 * sufficient statistics, bounded in size whatever the number of samples. With decay {@code lambda}
 * and per-sample weight {@code w} (a Huber weight, 1 for a sample near the fit):
 * {@code A = sum w x x'}, {@code b = sum w x y}, {@code yy = sum w y^2}, {@code W2 = sum w^2},
 * each term decayed by {@code lambda} (by {@code lambda^2} for {@code W2}) per later sample; the
 * weight {@code W = sum w} is {@code A[0][0]}.
 * <p>Immutable; a new state per sample.
 */
public final class TokenFit {
    private final int dimension;
    /** A (packed upper triangle), then b, then yy, W2. */
    private final double[] sums;
    private final long samples;
    private final double scale;
    /** (x..., y) of the first samples, {@code dimension + 1} values each, while the fit warms up. */
    private final double[] warmup;

    private TokenFit(int dimension, double[] sums, long samples, double scale, double[] warmup) {
        this.dimension = dimension;
        this.sums = sums;
        this.samples = samples;
        this.scale = scale;
        this.warmup = warmup;
    }

    /**
     * @param dimension number of coefficients, 2 or 3
     * @return a fit that has seen nothing
     */
    public static TokenFit empty(int dimension) {
        requireDimension(dimension);
        return new TokenFit(dimension, new double[sumsLength(dimension)], 0, Double.NaN, new double[0]);
    }

    /**
     * Rebuilds a fit from its parts (a state store's copy), validating them.
     *
     * @param dimension number of coefficients, 2 or 3
     * @param sums      A (packed upper triangle), b, yy, W2: finite
     * @param samples   samples seen, {@code >= 0}
     * @param scale     robust residual scale, {@code >= 0}, NaN while warming up
     * @param warmup    the warm-up samples, {@code (x..., y)} each
     * @return the fit
     */
    public static TokenFit of(int dimension, double[] sums, long samples, double scale, double[] warmup) {
        requireDimension(dimension);
        if (sums.length != sumsLength(dimension) || warmup.length % (dimension + 1) != 0 || samples < 0
                || !(Double.isNaN(scale) || scale >= 0)) {
            throw new IllegalArgumentException("invalid token fit: dimension " + dimension + ", " + sums.length + " sums, "
                    + warmup.length + " warm-up values, " + samples + " samples, scale " + scale);
        }
        for (double s : sums) {
            if (!Double.isFinite(s)) {
                throw new IllegalArgumentException("token fit sums must be finite, were " + Arrays.toString(sums));
            }
        }
        return new TokenFit(dimension, sums.clone(), samples, scale, warmup.clone());
    }

    private static void requireDimension(int dimension) {
        if (dimension < 2 || dimension > 3) {
            throw new IllegalArgumentException("dimension must be 2 or 3, was " + dimension);
        }
    }

    static int sumsLength(int dimension) {
        return SymmetricSystem.packedSize(dimension) + dimension + 2;
    }

    TokenFit with(double[] newSums, long newSamples, double newScale, double[] newWarmup) {
        return new TokenFit(dimension, newSums, newSamples, newScale, newWarmup);
    }

    /** @return number of coefficients */
    public int dimension() {
        return dimension;
    }

    /** @return samples seen (accepted hops), however much they weigh now */
    public long samples() {
        return samples;
    }

    /** @return the robust scale of the residuals, seconds; NaN while warming up */
    public double scale() {
        return scale;
    }

    /** @return a copy of the sums: A (packed upper triangle), b, yy, W2 */
    public double[] sums() {
        return sums.clone();
    }

    /** @return a copy of the warm-up samples, {@code (x..., y)} each (empty once warm) */
    public double[] warmup() {
        return warmup.clone();
    }

    double[] sumsView() {
        return sums;
    }

    double[] warmupView() {
        return warmup;
    }

    /** @return A, packed (a copy) */
    double[] normalMatrix() {
        return Arrays.copyOf(sums, SymmetricSystem.packedSize(dimension));
    }

    /** @return b (a copy) */
    double[] normalVector() {
        int a = SymmetricSystem.packedSize(dimension);
        return Arrays.copyOfRange(sums, a, a + dimension);
    }

    /** @return {@code sum w y^2} */
    double weightedSquares() {
        return sums[sums.length - 2];
    }

    /** @return W, the decayed sum of weights ({@code A[0][0]}) */
    public double weight() {
        return sums[0];
    }

    /** @return W2, the decayed sum of squared weights */
    double weightSquares() {
        return sums[sums.length - 1];
    }

    /**
     * @param i regressor index ({@code 0} is the intercept)
     * @return its weighted mean over the samples, {@code A[0][i] / A[0][0]} (NaN with no weight)
     */
    public double meanRegressor(int i) {
        double w = sums[0];
        return w > 0 ? sums[SymmetricSystem.index(dimension, 0, i)] / w : Double.NaN;
    }

    /** @return the weighted mean of y, {@code b[0] / A[0][0]}: the fit's value at the mean regressors (NaN with no weight) */
    public double meanResponse() {
        double w = sums[0];
        return w > 0 ? sums[SymmetricSystem.packedSize(dimension)] / w : Double.NaN;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenFit f && dimension == f.dimension && samples == f.samples
                && Double.compare(scale, f.scale) == 0 && Arrays.equals(sums, f.sums) && Arrays.equals(warmup, f.warmup);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(sums) + Long.hashCode(samples)) + dimension;
    }

    @Override
    public String toString() {
        return "TokenFit[dimension=" + dimension + ", samples=" + samples + ", scale=" + scale + ", sums="
                + Arrays.toString(sums) + ", warmup=" + warmup.length / (dimension + 1) + "]";
    }
}
