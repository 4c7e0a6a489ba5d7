package io.chainplan.optimizer.queueing;

import io.chainplan.optimizer.model.Bounds;
import io.chainplan.optimizer.model.Chain;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Bounds on the mean response time of JFFC dispatch over a set of chains: the paper
 * (arXiv 2604.14993), Theorem 4, as written out in DESIGN.md §1.2.
 * <p>With chains sorted by rate {@code mu} descending and {@code C = sum c_k}, the number of
 * requests in the system is bounded between two birth-death chains with birth rate
 * {@code lambda} and death rates {@code nu_hi(n)} (all requests on the fastest chains; gives the
 * lower bound) and {@code nu_lo(n)} (all on the slowest; gives the upper bound), both equal to
 * {@code nu = sum c_k mu_k} for {@code n >= C}. The mean number in system {@code E} follows from
 * the stationary distribution; Little's law gives {@code E / lambda}.
 * <p>O(min(C, N) + K log K) time, O(K) memory, where {@code N} is the number of requests in
 * system beyond which the distribution's terms vanish in double precision (about
 * {@code lambda * T + 40 sqrt(lambda * T)} for chains of service time {@code T}, see
 * {@link #NEGLIGIBLE_LOG}), so the work depends on the load, not on how much cache a server
 * offers: a chain of capacity {@link Integer#MAX_VALUE} costs what one of capacity {@code N} does.
 * The distribution is accumulated in log space with a running maximum, so {@code C} in the
 * thousands or millions neither overflows nor underflows. Stopping at {@code N} is exact: every
 * term after it is 0.0 in double arithmetic and adds nothing.
 * <p>Edge cases: no chains or {@code lambda >= nu}: {@link Bounds#UNBOUNDED};
 * {@code lambda = 0}: the limits, the fastest and the slowest chain's service time.
 * <p>Stateless and thread-safe.
 */
public final class JffcResponseTimeBounds {
    /**
     * How far (natural log) a state's weight may fall below the largest before it, and every later
     * one, no longer counts: {@code exp(-746)} is 0.0 in double arithmetic (the smallest subnormal is
     * about {@code exp(-744.4)}), so a term that far below the maximum adds exactly nothing.
     */
    static final double NEGLIGIBLE_LOG = 746;

    private JffcResponseTimeBounds() {
    }

    /**
     * Theorem 4 bounds for the given chains at arrival rate {@code lambda}.
     *
     * @param chains chains with capacities, in any order
     * @param arrivalRatePerSecond lambda, {@code >= 0}
     * @return the bounds in seconds, or {@link Bounds#UNBOUNDED} if not stable
     */
    public static Bounds bounds(List<Chain> chains, double arrivalRatePerSecond) {
        Objects.requireNonNull(chains, "chains");
        int k = chains.size();
        double[] rates = new double[k];
        long[] capacities = new long[k];
        Chain[] sorted = chains.toArray(new Chain[0]);
        Arrays.sort(sorted, (a, b) -> Double.compare(a.serviceSeconds(), b.serviceSeconds()));
        for (int i = 0; i < k; i++) {
            rates[i] = sorted[i].serviceRatePerSecond();
            capacities[i] = sorted[i].capacity();
        }
        return bounds(rates, capacities, arrivalRatePerSecond);
    }

    /**
     * Theorem 4 bounds from chain rates sorted descending.
     *
     * @param ratesDescending mu_k, non-increasing
     * @param capacities c_k, same order, each {@code >= 1}
     * @param arrivalRatePerSecond lambda, {@code >= 0}
     * @return the bounds in seconds, or {@link Bounds#UNBOUNDED} if not stable
     */
    public static Bounds bounds(double[] ratesDescending, long[] capacities, double arrivalRatePerSecond) {
        if (!(arrivalRatePerSecond >= 0 && Double.isFinite(arrivalRatePerSecond))) {
            throw new IllegalArgumentException("arrivalRatePerSecond must be a finite number >= 0, was "
                    + arrivalRatePerSecond);
        }
        if (ratesDescending.length != capacities.length) {
            throw new IllegalArgumentException("rates and capacities differ in length: " + ratesDescending.length
                    + " vs " + capacities.length);
        }
        int k = ratesDescending.length;
        double nu = 0;
        for (int i = 0; i < k; i++) {
            if (capacities[i] < 1 || !(ratesDescending[i] > 0) || (i > 0 && ratesDescending[i] > ratesDescending[i - 1])) {
                throw new IllegalArgumentException("chain " + i + " must have capacity >= 1 and a positive rate not"
                        + " above its predecessor's, had capacity " + capacities[i] + " rate " + ratesDescending[i]);
            }
            nu += capacities[i] * ratesDescending[i];
        }
        if (k == 0 || arrivalRatePerSecond >= nu) {
            return Bounds.UNBOUNDED;
        }
        if (arrivalRatePerSecond == 0) {
            return new Bounds(1.0 / ratesDescending[0], 1.0 / ratesDescending[k - 1]);
        }
        double lower = meanResponse(ratesDescending, capacities, false, arrivalRatePerSecond, nu);
        double upper = meanResponse(ratesDescending, capacities, true, arrivalRatePerSecond, nu);
        return new Bounds(lower, Math.max(lower, upper));
    }

    /**
     * E / lambda of the birth-death chain whose death rate with n in service fills chains in the
     * given order ({@code slowestFirst} false: nu_hi, true: nu_lo). Once the death rate exceeds
     * lambda the weights only fall; the sum stops when they are {@link #NEGLIGIBLE_LOG} below the
     * maximum, since neither the remaining levels nor the tail beyond C can add anything then.
     */
    private static double meanResponse(double[] rates, long[] caps, boolean slowestFirst, double lambda, double nu) {
        int k = rates.length;
        double logLambda = Math.log(lambda);
        long total = sum(caps);
        LogAccumulator acc = new LogAccumulator();
        double logPhi = 0;
        long n = 0;
        double filledRate = 0;
        acc.add(logPhi, 0);
        for (int idx = 0; idx < k; idx++) {
            int chain = slowestFirst ? k - 1 - idx : idx;
            double mu = rates[chain];
            for (long i = 1; i <= caps[chain]; i++) {
                double death = filledRate + i * mu;
                logPhi += logLambda - Math.log(death);
                n++;
                if (death > lambda && logPhi < acc.max - NEGLIGIBLE_LOG) {
                    return acc.mean() / lambda;
                }
                if (n < total) {
                    acc.add(logPhi, n);
                }
            }
            filledRate += caps[chain] * mu;
        }
        double rho = lambda / nu;
        double tailMass = 1 / (1 - rho);
        double tailMean = rho / ((1 - rho) * (1 - rho)) + total / (1 - rho);
        acc.addScaled(logPhi, tailMass, tailMean);
        return acc.mean() / lambda;
    }

    private static long sum(long[] caps) {
        long s = 0;
        for (long c : caps) {
            s += c;
        }
        return s;
    }

    /** Accumulates {@code sum phi_n} and {@code sum n phi_n} given {@code log phi_n}, rescaling as the maximum grows. */
    private static final class LogAccumulator {
        double max = Double.NEGATIVE_INFINITY;
        private double mass;
        private double first;

        void add(double logPhi, double n) {
            addScaled(logPhi, 1.0, n);
        }

        /** Adds weight {@code exp(logPhi) * factor} with moment {@code exp(logPhi) * moment}. */
        void addScaled(double logPhi, double factor, double moment) {
            if (logPhi > max) {
                double shrink = Math.exp(max - logPhi);
                mass *= shrink;
                first *= shrink;
                max = logPhi;
            }
            double w = Math.exp(logPhi - max);
            mass += w * factor;
            first += w * moment;
        }

        double mean() {
            return first / mass;
        }
    }
}
