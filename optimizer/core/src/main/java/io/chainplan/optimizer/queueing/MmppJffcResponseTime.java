package io.chainplan.optimizer.queueing;

import io.chainplan.optimizer.arrival.ArrivalModel;
import io.chainplan.optimizer.model.Bounds;
import io.chainplan.optimizer.model.Chain;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Theorem 4 of the paper (arXiv 2604.14993) carried over to bursty arrivals: the mean response time
 * of JFFC over chains when requests arrive as a two-phase Markov-modulated Poisson process
 * ({@link ArrivalModel.Mmpp2}) instead of a Poisson process (chainplan's burst-aware planning, beyond
 * the paper). As in Theorem 4, the number in system is compared with a process whose death rate with
 * {@code n} requests in service fills the chains fastest first ({@code nu_hi(n)}, lower estimate) or
 * slowest first ({@code nu_lo(n)}, upper estimate), {@code nu} from {@code C = sum c_k} on; with the
 * arrival phase it is a level-dependent quasi-birth-death process (level {@code n}, phase burst/calm),
 * solved exactly: the matrix-geometric rate {@code R} of the homogeneous levels {@code n >= C} by
 * logarithmic reduction (Latouche and Ramaswami, 1993), the levels below {@code C} by the backward
 * recursion {@code R_n = A0 (-A1(n+1) - R_{n+1} A2(n+2))^{-1}}, the boundary from
 * {@code pi_0 (A1(0) + R_0 A2(1)) = 0}. Little's law gives the response time.
 * <p>For Poisson arrivals (or an MMPP whose phases have equal rates) the result is the paper's bounds,
 * computed by {@link JffcResponseTimeBounds}.
 * <p>O(N + K log K) time and O(N) memory with 2x2 blocks, where {@code N = min(C, levels with mass)}:
 * levels above the point where the number in system of a Poisson process at the burst rate (which
 * bounds the MMPP's, arrivals being a thinning of it) has fallen {@link #NEGLIGIBLE_LOG} below its
 * peak, with every death rate from there on above the burst rate, carry less than {@code e^-900}
 * of the mass and are solved as homogeneous levels (death rate {@code nu}): their mass, and the
 * change they make to the levels below, vanish in double precision. So the work depends on the load,
 * not on how much cache the servers offer. More than {@link #MAX_LEVELS} levels with mass (millions
 * of requests in system at once): {@link Bounds#UNBOUNDED}. The distribution is accumulated in log
 * space. Unstable (mean rate {@code >= nu}) or no chains: {@link Bounds#UNBOUNDED}.
 * <p>Stateless and thread-safe.
 */
public final class MmppJffcResponseTime {
    private static final double EPSILON = 1e-12;
    private static final int MAX_REDUCTIONS = 64;
    /**
     * How far (natural log) the bounding Poisson chain's weight must fall below its peak before the
     * levels above are solved as homogeneous: {@code e^-1000} leaves room for the up to {@code 2^40}
     * levels and a geometric tail behind it while staying far below double precision.
     */
    static final double NEGLIGIBLE_LOG = 1000;
    /** Most levels solved level by level (about 50 MB of 2x2 blocks). */
    static final int MAX_LEVELS = 1 << 20;

    private MmppJffcResponseTime() {
    }

    /**
     * The lower and upper estimates of the mean response time under an arrival model.
     *
     * @param chains   chains with capacities, any order
     * @param arrivals the arrival process
     * @return seconds, or {@link Bounds#UNBOUNDED} if not stable
     */
    public static Bounds bounds(List<Chain> chains, ArrivalModel arrivals) {
        Objects.requireNonNull(chains, "chains");
        Objects.requireNonNull(arrivals, "arrivals");
        if (!(arrivals instanceof ArrivalModel.Mmpp2 m) || m.burstRatePerSecond() == m.calmRatePerSecond()) {
            return JffcResponseTimeBounds.bounds(chains, arrivals.ratePerSecond());
        }
        Chain[] sorted = chains.toArray(new Chain[0]);
        Arrays.sort(sorted, (a, b) -> Double.compare(a.serviceSeconds(), b.serviceSeconds()));
        double nu = 0;
        long total = 0;
        for (Chain c : sorted) {
            nu += c.capacity() * c.serviceRatePerSecond();
            total += c.capacity();
        }
        if (sorted.length == 0 || m.ratePerSecond() >= nu) {
            return Bounds.UNBOUNDED;
        }
        double peakRate = Math.max(m.burstRatePerSecond(), m.calmRatePerSecond());
        long lowerLevels = levelsWithMass(sorted, false, peakRate, total);
        long upperLevels = levelsWithMass(sorted, true, peakRate, total);
        if (Math.max(lowerLevels, upperLevels) > MAX_LEVELS) {
            return Bounds.UNBOUNDED;
        }
        double lower = meanResponse(deathRates(sorted, (int) lowerLevels, false), m, nu);
        double upper = meanResponse(deathRates(sorted, (int) upperLevels, true), m, nu);
        return new Bounds(lower, Math.max(lower, upper));
    }

    /**
     * The levels that can carry mass, at most C: the first level past which the birth-death chain with
     * birth rate {@code peakRate} and these death rates has weights {@link #NEGLIGIBLE_LOG} below its
     * peak and falling (death rate above the birth rate), else C; the count stops just past
     * {@link #MAX_LEVELS}.
     */
    static long levelsWithMass(Chain[] fastestFirst, boolean slowestFirst, double peakRate, long total) {
        double logRate = Math.log(peakRate);
        double logPhi = 0;
        double peak = 0;
        long n = 0;
        double filled = 0;
        for (int idx = 0; idx < fastestFirst.length; idx++) {
            Chain c = fastestFirst[slowestFirst ? fastestFirst.length - 1 - idx : idx];
            double mu = c.serviceRatePerSecond();
            for (int i = 1; i <= c.capacity(); i++) {
                double death = filled + i * mu;
                logPhi += logRate - Math.log(death);
                n++;
                peak = Math.max(peak, logPhi);
                if (n > MAX_LEVELS || (death > peakRate && logPhi < peak - NEGLIGIBLE_LOG)) {
                    return n;
                }
            }
            filled += c.capacity() * mu;
        }
        return total;
    }

    /**
     * {@code d[n]} for {@code n = 0..levels}: the service rate with n in service, chains filled in the
     * given order (the level-dependent part; levels above are solved as homogeneous with rate nu).
     */
    private static double[] deathRates(Chain[] fastestFirst, int levels, boolean slowestFirst) {
        double[] d = new double[levels + 1];
        int n = 0;
        double filled = 0;
        for (int idx = 0; idx < fastestFirst.length && n < levels; idx++) {
            Chain c = fastestFirst[slowestFirst ? fastestFirst.length - 1 - idx : idx];
            double mu = c.serviceRatePerSecond();
            for (int i = 1; i <= c.capacity() && n < levels; i++) {
                d[++n] = filled + i * mu;
            }
            filled += c.capacity() * mu;
        }
        return d;
    }

    /** E[N] / lambda of the QBD with death rates {@code d[0..C]} (then nu) and MMPP arrivals. */
    private static double meanResponse(double[] d, ArrivalModel.Mmpp2 m, double nu) {
        int c = d.length - 1;
        double[] a0 = {m.burstRatePerSecond(), 0, 0, m.calmRatePerSecond()};
        double[] r = homogeneousRate(m, nu);
        // R_n for n = 0 .. C-1; R_n = R for n >= C - 1
        double[][] rn = new double[Math.max(c, 1)][];
        rn[Math.max(c - 1, 0)] = r;
        for (int n = c - 2; n >= 0; n--) {
            double[] a1 = local(m, d[n + 1]);
            double[] next = rn[n + 1];
            double dn2 = d[n + 2];
            double[] k = {-a1[0] - next[0] * dn2, -a1[1] - next[1] * dn2, -a1[2] - next[2] * dn2, -a1[3] - next[3] * dn2};
            rn[n] = mul(a0, inv(k));
        }
        double d1 = c >= 1 ? d[1] : nu;
        double[] r0 = c >= 1 ? rn[0] : r;
        double[] a10 = local(m, 0);
        double[] boundary = {a10[0] + r0[0] * d1, a10[1] + r0[1] * d1, a10[2] + r0[2] * d1, a10[3] + r0[3] * d1};
        double[] v = leftNull(boundary);
        LogSum acc = new LogSum();
        double logScale = 0;
        for (int n = 0; n < c; n++) {
            double s = v[0] + v[1];
            acc.add(logScale + Math.log(s), 1, n);
            v = vecMul(v, rn[n]);
            double t = v[0] + v[1];
            if (!(t > 0)) {
                break;
            }
            logScale += Math.log(t);
            v = new double[] {v[0] / t, v[1] / t};
        }
        double[] inv = inv(new double[] {1 - r[0], -r[1], -r[2], 1 - r[3]});
        double[] tailMassVec = vecMul(v, inv);
        double tailMass = tailMassVec[0] + tailMassVec[1];
        double[] tailShift = vecMul(vecMul(vecMul(v, r), inv), inv);
        double tailFirst = c * tailMass + tailShift[0] + tailShift[1];
        acc.add(logScale, tailMass, tailFirst);
        return acc.mean() / m.ratePerSecond();
    }

    /** A1 at a level whose death rate is {@code death}: phase 0 burst, phase 1 calm. */
    private static double[] local(ArrivalModel.Mmpp2 m, double death) {
        double q01 = m.burstEndsPerSecond();
        double q10 = m.burstStartsPerSecond();
        return new double[] {-(m.burstRatePerSecond() + q01 + death), q01, q10, -(m.calmRatePerSecond() + q10 + death)};
    }

    /** The minimal solution R of A0 + R A1 + R^2 nu = 0, by logarithmic reduction for G. */
    private static double[] homogeneousRate(ArrivalModel.Mmpp2 m, double nu) {
        double[] a0 = {m.burstRatePerSecond(), 0, 0, m.calmRatePerSecond()};
        double[] a1 = local(m, nu);
        double[] a2 = {nu, 0, 0, nu};
        double[] negA1Inv = inv(neg(a1));
        double[] h = mul(negA1Inv, a0);
        double[] l = mul(negA1Inv, a2);
        double[] g = l.clone();
        double[] t = h.clone();
        for (int i = 0; i < MAX_REDUCTIONS; i++) {
            double[] u = add(mul(h, l), mul(l, h));
            double[] iu = inv(new double[] {1 - u[0], -u[1], -u[2], 1 - u[3]});
            h = mul(iu, mul(h, h));
            l = mul(iu, mul(l, l));
            g = add(g, mul(t, l));
            t = mul(t, h);
            // G is stochastic at the limit; stop there, or once further terms vanish (T -> 0), before the
            // squares of L (row sums near 1 near saturation) can overflow
            boolean stochastic = Math.max(Math.abs(1 - g[0] - g[1]), Math.abs(1 - g[2] - g[3])) < EPSILON;
            if (stochastic || maxAbs(t) < Double.MIN_NORMAL) {
                break;
            }
        }
        double[] k = neg(add(a1, mul(a0, g)));
        return mul(a0, inv(k));
    }

    /** A nonnegative left null vector of a singular 2x2 generator-like matrix, summing to 1. */
    private static double[] leftNull(double[] a) {
        // pi a = 0: pi_0 a00 + pi_1 a10 = 0 and pi_0 a01 + pi_1 a11 = 0; take the better-conditioned equation
        double[] v = Math.abs(a[0]) + Math.abs(a[2]) >= Math.abs(a[1]) + Math.abs(a[3])
                ? new double[] {Math.abs(a[2]), Math.abs(a[0])} : new double[] {Math.abs(a[3]), Math.abs(a[1])};
        double s = v[0] + v[1];
        return new double[] {v[0] / s, v[1] / s};
    }

    private static double maxAbs(double[] x) {
        return Math.max(Math.max(Math.abs(x[0]), Math.abs(x[1])), Math.max(Math.abs(x[2]), Math.abs(x[3])));
    }

    private static double[] mul(double[] x, double[] y) {
        return new double[] {x[0] * y[0] + x[1] * y[2], x[0] * y[1] + x[1] * y[3],
            x[2] * y[0] + x[3] * y[2], x[2] * y[1] + x[3] * y[3]};
    }

    private static double[] vecMul(double[] v, double[] y) {
        return new double[] {v[0] * y[0] + v[1] * y[2], v[0] * y[1] + v[1] * y[3]};
    }

    private static double[] add(double[] x, double[] y) {
        return new double[] {x[0] + y[0], x[1] + y[1], x[2] + y[2], x[3] + y[3]};
    }

    private static double[] neg(double[] x) {
        return new double[] {-x[0], -x[1], -x[2], -x[3]};
    }

    private static double[] inv(double[] x) {
        double det = x[0] * x[3] - x[1] * x[2];
        if (det == 0 || !Double.isFinite(det)) {
            throw new ArithmeticException("singular 2x2 block " + Arrays.toString(x));
        }
        return new double[] {x[3] / det, -x[1] / det, -x[2] / det, x[0] / det};
    }

    /** Accumulates mass and first moment of terms {@code exp(logW) * mass}, rescaling as the maximum grows. */
    private static final class LogSum {
        private double max = Double.NEGATIVE_INFINITY;
        private double mass;
        private double first;

        void add(double logW, double termMass, double termFirst) {
            if (logW > max) {
                double shrink = Math.exp(max - logW);
                mass *= shrink;
                first *= shrink;
                max = logW;
            }
            double w = Math.exp(logW - max);
            mass += w * termMass;
            first += w * termFirst;
        }

        double mean() {
            return first / mass;
        }
    }
}
