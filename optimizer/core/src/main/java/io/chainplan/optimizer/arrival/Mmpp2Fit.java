package io.chainplan.optimizer.arrival;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Fits an arrival model to measured {@link Burstiness} (chainplan's burst-aware planning): Poisson when
 * the measurements are consistent with it or too thin to say otherwise, else an interrupted Poisson
 * process (an {@link ArrivalModel.Mmpp2} with no arrivals between bursts) matching the mean rate and the
 * index-of-dispersion curve {@code I(t) = 1 + E (1 - (1 - e^{-g t}) / (g t))}: for each phase-switching
 * rate {@code g} on a logarithmic grid the excess {@code E = I(infinity) - 1} follows by weighted least
 * squares, the {@code g} with the smallest residual wins; then the burst fraction is
 * {@code p = 2 lambda / (g E + 2 lambda)} (the IPP's {@code E = 2 lambda (1 - p) / (g p)}), the burst rate
 * {@code lambda / p}, burst starts {@code p g} and ends {@code (1 - p) g} per second.
 * <p>Poisson when: fewer than {@link #MIN_ARRIVALS} arrivals; no dispersion measured; or every measured
 * index lies within three Poisson standard errors of 1 (the z-test of {@link Dispersion#poissonStandardError}).
 * With a single measured window the switching rate cannot be identified and is taken as
 * {@code 1 / windowSeconds}.
 * <p>Pure and deterministic.
 */
public final class Mmpp2Fit {
    /** Fewer arrivals than this are too few to tell burstiness from noise. */
    public static final long MIN_ARRIVALS = 200;
    private static final double Z = 3;
    private static final double MIN_G = 1e-4;
    private static final double MAX_G = 1e3;
    private static final int GRID = 561;

    private Mmpp2Fit() {
    }

    /**
     * A fitted model and why it is that model.
     *
     * @param model  the model
     * @param reason one line: what was measured and why this model (e.g. "consistent with Poisson: ...")
     */
    public record Result(ArrivalModel model, String reason) {
        /** Validates the fields. */
        public Result {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Fits the measurements.
     *
     * @param b the measurements
     * @return the model and the reason
     */
    public static Result fit(Burstiness b) {
        Objects.requireNonNull(b, "burstiness");
        double lambda = b.ratePerSecond();
        if (lambda == 0) {
            return poisson(b, "no arrivals");
        }
        if (b.arrivals() < MIN_ARRIVALS) {
            return poisson(b, "too few arrivals to measure burstiness (" + b.arrivals() + " < " + MIN_ARRIVALS + ")");
        }
        List<Dispersion> d = b.dispersions();
        if (d.isEmpty()) {
            return poisson(b, "no index of dispersion measured");
        }
        if (d.stream().allMatch(x -> x.index() - 1 <= Z * x.poissonStandardError())) {
            return poisson(b, "consistent with Poisson: " + describe(d));
        }
        double[] best = d.size() == 1 ? single(d.get(0)) : curve(d);
        double g = best[0];
        double excess = best[1];
        if (!(excess > 0)) {
            return poisson(b, "no excess dispersion to fit: " + describe(d));
        }
        double p = 2 * lambda / (g * excess + 2 * lambda);
        ArrivalModel.Mmpp2 m = new ArrivalModel.Mmpp2(lambda / p, 0, (1 - p) * g, p * g);
        return new Result(m, String.format(Locale.ROOT,
                "bursty: %s; fitted bursts %.1f%% of the time at %.3g req/s, mean burst %.3g s",
                describe(d), 100 * p, m.burstRatePerSecond(), 1 / m.burstEndsPerSecond()));
    }

    private static Result poisson(Burstiness b, String why) {
        return new Result(new ArrivalModel.Poisson(b.ratePerSecond()), why);
    }

    private static double[] single(Dispersion x) {
        double g = 1 / x.windowSeconds();
        return new double[] {g, Math.max(0, x.index() - 1) / shape(g, x.windowSeconds())};
    }

    /** Weighted least squares of the excess for each g on the grid; weights 1 / (I^2 * se^2). */
    private static double[] curve(List<Dispersion> d) {
        double bestG = MIN_G;
        double bestE = 0;
        double bestResidual = Double.POSITIVE_INFINITY;
        for (int i = 0; i < GRID; i++) {
            double g = MIN_G * Math.pow(MAX_G / MIN_G, i / (GRID - 1.0));
            double num = 0;
            double den = 0;
            for (Dispersion x : d) {
                double w = weight(x);
                double f = shape(g, x.windowSeconds());
                num += w * (x.index() - 1) * f;
                den += w * f * f;
            }
            double e = Math.max(0, num / den);
            double residual = 0;
            for (Dispersion x : d) {
                double r = x.index() - 1 - e * shape(g, x.windowSeconds());
                residual += weight(x) * r * r;
            }
            if (residual < bestResidual) {
                bestResidual = residual;
                bestG = g;
                bestE = e;
            }
        }
        return new double[] {bestG, bestE};
    }

    private static double weight(Dispersion x) {
        double se = x.poissonStandardError() * Math.max(1, x.index());
        return 1 / (se * se);
    }

    private static double shape(double g, double t) {
        double v = g * t;
        return v < 1e-6 ? v / 2 : 1 - (1 - Math.exp(-v)) / v;
    }

    private static String describe(List<Dispersion> d) {
        StringBuilder sb = new StringBuilder("index of dispersion");
        for (Dispersion x : d) {
            double w = x.windowSeconds();
            sb.append(String.format(Locale.ROOT, " %.3g at %s s", x.index(), w == Math.rint(w) ? Long.toString((long) w)
                    : Double.toString(w)));
        }
        return sb.toString();
    }
}
