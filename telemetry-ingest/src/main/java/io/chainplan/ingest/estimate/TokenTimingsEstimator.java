package io.chainplan.ingest.estimate;

import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.optimizer.model.TokenTimings;
import java.util.Objects;

/**
 * A server's per-token coefficients (DESIGN.md §1.3: per block
 * {@code tau_p = t_o + t_in l_in + t_out (l_out - 1)}, per hop {@code tau_c = c_req + c_tok (l_out - 1)})
 * from the robust fits of its hops ({@link TokenRegression}) and a prior from its declared timings.
 *
 * <p><b>Prior.</b> The declared {@code tau_p}, {@code tau_c} hold for a request of the model's
 * declared mean tokens ({@code l_in0}, {@code l_out0}); {@link TokenTimings#fromReference} splits them
 * into coefficients {@code theta0} (with the {@link TimingPrior}'s {@code t_o} and prefill share).
 * Each coefficient's term of the declared timing counts as {@code n0} pseudo-observations: the
 * prior precision is {@code n0 diag(x0^2)} with {@code x0 = (1, l_in0, l_out0 - 1)} (compute) or
 * {@code (1, l_out0 - 1)} (communication). It decides the directions the hops do not (all requests
 * of one size, say) and weighs little where they do (the fit's effective window is about 25
 * samples of weight).
 * <p><b>Fit.</b> The posterior mean solves {@code (A + Lambda0) theta = b + Lambda0 theta0}. Standard
 * errors: the covariance is {@code sigma^2 (W2 / W) (A + Lambda0)^-1} ({@code W2 / W}: the decay
 * weights are not precision weights; with equal weights it is {@code 1 / n} of the Kish effective
 * sample size {@code n = W^2 / W2}, about 51 for a window of 50), with {@code sigma} the fit's robust
 * residual scale (the weighted residual sum of squares would be dominated by the down-weighted
 * stragglers; the Huber fit itself only feels their clipped residuals).
 * <p><b>Non-negative.</b> When a coefficient comes out below 0, the non-negative solution is taken
 * (exact: every active set of at most 3 coefficients is tried), unless the hops reject non-negative
 * coefficients: if their best non-negative fit is worse than their best fit by more than 3 standard
 * errors ({@code (RSS+ - RSS) / (sigma^2 W2 / W) > 9}, the hops' residual sums at the two), the
 * timings contradict the cost model and the part falls back. So a coefficient that is 0 up to
 * noise is clamped, and so is one the prior alone pushed below 0 (all requests of one size, say,
 * which the hops fit as well either way).
 * Standard errors are those of the unconstrained fit.
 * <p><b>Fallbacks</b> (per part, with the reason in {@link TokenTimingEstimate}): fewer than
 * {@code minSamples} hops with token counts ({@link TokenTimingEstimate#TOO_FEW_SAMPLES}), hops that
 * reject non-negative coefficients ({@link TokenTimingEstimate#NEGATIVE_COEFFICIENTS}), and without a prior,
 * hops whose tokens do not determine every coefficient ({@link TokenTimingEstimate#UNIDENTIFIABLE}):
 * the declared split, or no coefficients when nothing is declared or the model declares no usable
 * token mix.
 * <p>Pure, deterministic, immutable and thread-safe.
 */
public final class TokenTimingsEstimator {
    private static final double NEGATIVE_SIGMAS = 3;
    /** Relative ridge of the hops' own fit (as {@link TokenRegression} predicts), so that an undetermined direction does not fail it. */
    private static final double DATA_RIDGE = 1e-9;
    private static final double[] NONE = new double[0];

    private final long minSamples;
    private final TimingPrior prior;

    /**
     * @param minSamples hops from which a part is fitted, {@code >= 1}
     * @param prior      how declared timings become the prior
     */
    public TokenTimingsEstimator(long minSamples, TimingPrior prior) {
        if (minSamples < 1) {
            throw new IllegalArgumentException("minSamples must be >= 1, was " + minSamples);
        }
        this.minSamples = minSamples;
        this.prior = Objects.requireNonNull(prior, "prior");
    }

    /** One part's result: coefficients (empty if none), their standard errors, the hops behind them and the fallback. */
    private record Part(double[] theta, double[] se, long samples, String fallback) {
        boolean known() {
            return theta.length > 0;
        }
    }

    /**
     * @param compute                the compute fit, 3 coefficients ({@code t_o, t_in, t_out})
     * @param comm                   the communication fit, 2 coefficients ({@code c_req, c_tok})
     * @param declaredCommSeconds    the server's declared tau_c, NaN if none
     * @param declaredComputeSeconds the server's declared tau_p, NaN if none
     * @param declaredMix            the model's declared mean tokens
     * @return the coefficients
     */
    public TokenTimingEstimate estimate(TokenFit compute, TokenFit comm, double declaredCommSeconds,
                                        double declaredComputeSeconds, TokenMix declaredMix) {
        requireDimension(compute, 3, "compute");
        requireDimension(comm, 2, "comm");
        Objects.requireNonNull(declaredMix, "declaredMix");
        TokenTimings declared = declared(declaredCommSeconds, declaredComputeSeconds, declaredMix);
        double lIn = declaredMix.inputTokens();
        double lOut = declaredMix.outputTokens();
        Part p = declared == null ? fit(compute, NONE, NONE)
                : fit(compute, new double[] {declared.blockOverheadSeconds(), declared.prefillSecondsPerToken(),
                        declared.decodeSecondsPerToken()}, new double[] {1, Math.round(lIn), Math.round(lOut) - 1});
        Part c = declared == null ? fit(comm, NONE, NONE)
                : fit(comm, new double[] {declared.commSecondsPerRequest(), declared.commSecondsPerToken()},
                        new double[] {1, Math.round(lOut) - 1});
        if (!p.known() || !c.known()) {
            return new TokenTimingEstimate(false, zero(), zero(), 0, 0, reason(p), reason(c), 0, 0);
        }
        double refIn;
        double refOut;
        if (p.fallback().isEmpty()) {
            refIn = compute.meanRegressor(1);
            refOut = compute.meanRegressor(2) + 1;
        } else if (c.fallback().isEmpty()) {
            refIn = declaredMix.usable() ? lIn : 0;
            refOut = comm.meanRegressor(1) + 1;
        } else {
            refIn = lIn;
            refOut = lOut;
        }
        return new TokenTimingEstimate(true, new TokenTimings(p.theta()[0], p.theta()[1], p.theta()[2], c.theta()[0], c.theta()[1]),
                new TokenTimings(p.se()[0], p.se()[1], p.se()[2], c.se()[0], c.se()[1]), p.samples(), c.samples(),
                p.fallback(), c.fallback(), refIn, refOut);
    }

    private static String reason(Part part) {
        return part.known() ? part.fallback() : part.fallback().isEmpty() ? TokenTimingEstimate.NO_DECLARED_TIMINGS
                : part.fallback();
    }

    private static TokenTimings zero() {
        return new TokenTimings(0, 0, 0, 0, 0);
    }

    /** The declared timings split into coefficients, or null if they or the declared mix are missing or unusable. */
    private TokenTimings declared(double commSeconds, double computeSeconds, TokenMix mix) {
        if (!(commSeconds >= 0 && Double.isFinite(commSeconds)) || !(computeSeconds > 0 && Double.isFinite(computeSeconds))
                || !mix.usable()) {
            return null;
        }
        return TokenTimings.fromReference(new Server("declared", 0, commSeconds, computeSeconds), prior.blockOverheadSeconds(),
                (int) Math.round(mix.inputTokens()), (int) Math.round(mix.outputTokens()), prior.prefillShare());
    }

    /**
     * @param fit   the hops' fit
     * @param theta0 prior coefficients, empty for none
     * @param x0    the reference request's regressors, empty for none
     */
    private Part fit(TokenFit fit, double[] theta0, double[] x0) {
        boolean hasPrior = theta0.length > 0;
        if (fit.samples() < minSamples || fit.weight() <= 0) {
            return fallback(theta0, TokenTimingEstimate.TOO_FEW_SAMPLES);
        }
        int p = fit.dimension();
        double[] m = fit.normalMatrix();
        double[] v = fit.normalVector();
        for (int i = 0; i < p && hasPrior; i++) {
            double lambda = prior.samples() * x0[i] * x0[i];
            m[SymmetricSystem.index(p, i, i)] += lambda;
            v[i] += lambda * theta0[i];
        }
        double[] theta = SymmetricSystem.solve(p, m, v);
        double[] inverse = SymmetricSystem.inverseDiagonal(p, m);
        double w = fit.weight();
        double w2 = fit.weightSquares();
        double n = w * w / w2;
        if (theta == null || inverse == null) {
            return fallback(theta0, TokenTimingEstimate.UNIDENTIFIABLE);
        }
        if (!(n > p) || Double.isNaN(fit.scale())) {
            return fallback(theta0, TokenTimingEstimate.TOO_FEW_SAMPLES);
        }
        double sigma2 = fit.scale() * fit.scale();
        double[] se = new double[p];
        for (int i = 0; i < p; i++) {
            se[i] = Math.sqrt(Math.max(0, sigma2 * (w2 / w) * inverse[i]));
            if (!Double.isFinite(theta[i]) || !Double.isFinite(se[i])) {
                return fallback(theta0, TokenTimingEstimate.UNIDENTIFIABLE);
            }
        }
        if (rejectsNonNegative(fit, sigma2 * w2 / w)) {
            return fallback(theta0, TokenTimingEstimate.NEGATIVE_COEFFICIENTS);
        }
        return new Part(nonNegative(p, m, v, theta), se, fit.samples(), "");
    }

    /**
     * Whether the hops alone reject non-negative coefficients: the best non-negative fit of them is
     * worse than their best fit by more than 3 standard errors.
     *
     * @param variance {@code sigma^2 W2 / W}: the variance unit of a change of the residual sum
     */
    private static boolean rejectsNonNegative(TokenFit fit, double variance) {
        int p = fit.dimension();
        double[] a = SymmetricSystem.withRidge(p, fit.normalMatrix(), DATA_RIDGE);
        double[] b = fit.normalVector();
        double[] free = SymmetricSystem.solve(p, a, b);
        if (free == null) {
            return false;
        }
        double[] bounded = nonNegative(p, a, b, free);
        return bounded != free && (rss(fit, bounded) - rss(fit, free)) / variance > NEGATIVE_SIGMAS * NEGATIVE_SIGMAS;
    }

    /** The hops' weighted residual sum of squares, {@code yy - 2 theta.b + theta' A theta}. */
    private static double rss(TokenFit fit, double[] theta) {
        int p = fit.dimension();
        double[] a = fit.normalMatrix();
        double[] b = fit.normalVector();
        double value = fit.weightedSquares();
        for (int i = 0; i < p; i++) {
            value -= 2 * theta[i] * b[i];
            for (int j = 0; j < p; j++) {
                value += theta[i] * a[SymmetricSystem.index(p, i, j)] * theta[j];
            }
        }
        return value;
    }

    private static Part fallback(double[] theta0, String reason) {
        return new Part(theta0, new double[theta0.length], 0, reason);
    }

    /**
     * The minimizer of {@code theta' M theta - 2 theta.v} over {@code theta >= 0}: the unconstrained
     * one if it is feasible, else the best feasible solution over every set of free coefficients.
     */
    private static double[] nonNegative(int p, double[] m, double[] v, double[] unconstrained) {
        boolean feasible = true;
        for (double t : unconstrained) {
            feasible &= t >= 0;
        }
        if (feasible) {
            return unconstrained;
        }
        double[] best = new double[p];
        double bestValue = 0;
        for (int mask = 1; mask < (1 << p) - 1; mask++) {
            double[] theta = restricted(p, m, v, mask);
            if (theta != null) {
                double value = objective(p, m, v, theta);
                if (value < bestValue) {
                    best = theta;
                    bestValue = value;
                }
            }
        }
        return best;
    }

    /** The unconstrained minimizer over the coefficients in {@code mask} (the others 0), or null if it is not feasible. */
    private static double[] restricted(int p, double[] m, double[] v, int mask) {
        int q = Integer.bitCount(mask);
        int[] idx = new int[q];
        for (int i = 0, k = 0; i < p; i++) {
            if ((mask & (1 << i)) != 0) {
                idx[k++] = i;
            }
        }
        double[] mq = new double[SymmetricSystem.packedSize(q)];
        double[] vq = new double[q];
        for (int i = 0; i < q; i++) {
            vq[i] = v[idx[i]];
            for (int j = i; j < q; j++) {
                mq[SymmetricSystem.index(q, i, j)] = m[SymmetricSystem.index(p, idx[i], idx[j])];
            }
        }
        double[] sol = SymmetricSystem.solve(q, mq, vq);
        if (sol == null) {
            return null;
        }
        double[] theta = new double[p];
        for (int i = 0; i < q; i++) {
            if (!(sol[i] >= 0)) {
                return null;
            }
            theta[idx[i]] = sol[i];
        }
        return theta;
    }

    private static double objective(int p, double[] m, double[] v, double[] theta) {
        double value = 0;
        for (int i = 0; i < p; i++) {
            value -= 2 * theta[i] * v[i];
            for (int j = 0; j < p; j++) {
                value += theta[i] * m[SymmetricSystem.index(p, i, j)] * theta[j];
            }
        }
        return value;
    }

    private static void requireDimension(TokenFit fit, int p, String name) {
        Objects.requireNonNull(fit, name);
        if (fit.dimension() != p) {
            throw new IllegalArgumentException(name + " fit must have " + p + " coefficients, had " + fit.dimension());
        }
    }
}
