package io.chainplan.ingest.estimate;

/**
 * The regularized lower incomplete gamma function P(a, x), its inverse in x, and the standard
 * normal quantile: what the exact (Garwood) Poisson interval needs.
 * <p>P(a, x) by its power series for {@code x < a + 1} and by the Lentz continued fraction of
 * Q = 1 - P otherwise (Press et al., "Numerical Recipes", 3rd ed., §6.2); the inverse by
 * safeguarded Newton steps from the Wilson-Hilferty start. For {@code a > }{@value #LARGE_SHAPE}
 * the Wilson-Hilferty cube-root approximation itself is used (relative error below 1e-6 there).
 * <p>Stateless and thread-safe.
 */
public final class Gamma {
    /** Shape above which the inverse uses Wilson-Hilferty directly. */
    static final double LARGE_SHAPE = 1e4;
    private static final double EPS = 1e-14;
    private static final int MAX_ITER = 100_000;
    private static final double[] LANCZOS = {
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7};

    private Gamma() {
    }

    /**
     * ln Gamma(a) by the Lanczos approximation (g = 7, n = 9), accurate to about 1e-15 relative.
     *
     * @param a argument, {@code > 0}
     * @return ln Gamma(a)
     */
    public static double logGamma(double a) {
        requirePositive(a, "a");
        if (a < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * a))) - logGamma(1 - a);
        }
        double x = a - 1;
        double sum = LANCZOS[0];
        double t = x + 7.5;
        for (int i = 1; i < LANCZOS.length; i++) {
            sum += LANCZOS[i] / (x + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
    }

    /**
     * Regularized lower incomplete gamma P(a, x) = gamma(a, x) / Gamma(a).
     *
     * @param a shape, {@code > 0}
     * @param x point, {@code >= 0}
     * @return P(a, x) in [0, 1]
     */
    public static double regularizedP(double a, double x) {
        requirePositive(a, "a");
        if (!(x >= 0)) {
            throw new IllegalArgumentException("x must be >= 0, was " + x);
        }
        if (x == 0) {
            return 0;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return 1;
        }
        return x < a + 1 ? series(a, x) : 1 - continuedFraction(a, x);
    }

    private static double series(double a, double x) {
        double ap = a;
        double del = 1 / a;
        double sum = del;
        for (int n = 0; n < MAX_ITER; n++) {
            ap += 1;
            del *= x / ap;
            sum += del;
            if (Math.abs(del) < Math.abs(sum) * EPS) {
                break;
            }
        }
        return Math.min(1, sum * Math.exp(-x + a * Math.log(x) - logGamma(a)));
    }

    private static double continuedFraction(double a, double x) {
        double tiny = 1e-300;
        double b = x + 1 - a;
        double c = 1 / tiny;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i < MAX_ITER; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            d = Math.abs(d) < tiny ? tiny : d;
            c = b + an / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < EPS) {
                break;
            }
        }
        return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
    }

    /**
     * The x with P(a, x) = p: the p-quantile of a Gamma(a, 1) variable (half the p-quantile of a
     * chi-square variable with 2a degrees of freedom).
     *
     * @param p probability in (0, 1)
     * @param a shape, {@code > 0}
     * @return the quantile
     */
    public static double inverseP(double p, double a) {
        requirePositive(a, "a");
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("p must be in (0, 1), was " + p);
        }
        double start = wilsonHilferty(p, a);
        if (a > LARGE_SHAPE) {
            return start;
        }
        double lo = 0;
        double hi = Double.POSITIVE_INFINITY;
        double x = start > 0 ? start : Math.max(1e-300, Math.pow(p * Math.exp(logGamma(a + 1)), 1 / a));
        for (int i = 0; i < 200; i++) {
            double f = regularizedP(a, x) - p;
            if (f > 0) {
                hi = x;
            } else {
                lo = x;
            }
            double density = Math.exp((a - 1) * Math.log(x) - x - logGamma(a));
            double next = density > 0 ? x - f / density : Double.NaN;
            if (!(next > lo && next < hi)) {
                next = hi == Double.POSITIVE_INFINITY ? 2 * x + 1 : 0.5 * (lo + hi);
            }
            if (Math.abs(next - x) <= 1e-12 * Math.max(1, x)) {
                return next;
            }
            x = next;
        }
        return x;
    }

    private static double wilsonHilferty(double p, double a) {
        double z = normalQuantile(p);
        double k = 2 * a;
        double c = 2.0 / (9.0 * k);
        double t = 1 - c + z * Math.sqrt(c);
        return t <= 0 ? 0 : 0.5 * k * t * t * t;
    }

    /**
     * Standard normal quantile by Acklam's rational approximation (relative error below 1.2e-9).
     *
     * @param p probability in (0, 1)
     * @return z with Phi(z) = p
     */
    public static double normalQuantile(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("p must be in (0, 1), was " + p);
        }
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
            1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
            6.680131188771972e+01, -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
            -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
            3.754408661907416e+00};
        double pLow = 0.02425;
        double x;
        if (p < pLow) {
            double q = Math.sqrt(-2 * Math.log(p));
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        } else if (p <= 1 - pLow) {
            double q = p - 0.5;
            double r = q * q;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                    / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        } else {
            double q = Math.sqrt(-2 * Math.log(1 - p));
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        return x;
    }

    private static void requirePositive(double a, String name) {
        if (!(a > 0) || Double.isInfinite(a)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, was " + a);
        }
    }
}
