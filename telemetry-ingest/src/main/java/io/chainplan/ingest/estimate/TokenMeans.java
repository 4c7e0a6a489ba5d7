package io.chainplan.ingest.estimate;

import java.util.List;
import java.util.OptionalInt;
import java.util.function.ToLongFunction;
import org.apache.commons.statistics.distribution.ChiSquaredDistribution;
import org.apache.commons.statistics.distribution.TDistribution;

/**
 * The mean prompt or generated length of a model's requests over its newest <i>token regime</i> (issue 17):
 * the buckets after the most significant change of the mean within the token history, or all of them if there
 * is none. A change of the request mix (outputs ten times as long, at the same rate) then moves the estimate
 * in one step, once enough requests of the new mix have been seen, instead of blending the two mixes over the
 * horizon for minutes, which would trigger one re-plan per step of the blend.
 * <p><b>Requests by arrival.</b> The buckets hold requests by their <i>arrival</i> time: a completion counts
 * in the bucket its request arrived in, its event time minus its response time ({@link BucketTotals}). Counted
 * by completion time instead, the mean follows the service, not the mix: the long requests of a burst complete
 * together, later than its short ones, so the newest buckets' mean swung from under half to four times the true one
 * (116, then 1094 generated tokens on the Azure code trace, true mean about 280) and every swing was another
 * {@code MIX_SHIFT} plan. By arrival, a bucket's mean is that of the requests that arrived in it, however they
 * are served. But the newest arrival buckets are <i>censored</i>: their long requests have not completed yet, so
 * their mean is biased low, and most for the longest requests. Only the <i>mature</i> buckets count
 * ({@link #mature}): the oldest ones, up to the first whose completions have not reached its arrivals. A prefix,
 * not every complete bucket: a bucket whose requests happen to be short completes first, and taking it before
 * its older neighbours would bias the newest part low again. Not "all but a small share" either: the share
 * missing is the longest requests (the longest of 25 exponential lengths is on average 15% of their sum, and
 * token counts have heavier tails). A request that never completes (dropped after its last attempt, its events
 * lost) would hold the prefix forever, so a bucket also counts once it is older than a bound
 * ({@code maxCompletionWaitMillis}, default 2 min, beyond the response times of nearly every request of a fleet
 * that keeps up), censored then; a completion that still comes counts in its bucket while that is in the token
 * history. A completion without a response time counts at its completion time (its arrival is unknown), as
 * before, and its bucket's completeness is then only approximate.
 * <p><b>Trade-off.</b> A change of the mix is seen one maturity lag later (the response time of the
 * slowest request of the first buckets of the new mix, plus the buckets the regime test needs), but once and at
 * its true mean, not as a series of swings. The prompt mean is taken over the same mature buckets: its counts are
 * known at arrival, but the pair is then the mix of one set of requests, and a change of both lengths moves them
 * in the same step (one plan, not two). On the code trace with its generated tokens ten-fold half way
 * ({@code chainplan local --fleet-preset mig --trace ... --scenario mix}) the change caused one {@code MIX_SHIFT}
 * plan, at 282 tokens (the true mean 279), about 3 minutes after it; counted by completion time, five plans,
 * the first after 46 s.
 * <p><b>Method.</b> A single change point of a mean (binary segmentation, Scott and Knott 1974): for each split
 * of the buckets into an older part L and a newer part R, both with at least {@value #MIN_REQUESTS} requests and
 * two buckets with requests, {@code z = |m_R - m_L| / (s sqrt(1/n_L + 1/n_R))}, where {@code s^2} is the
 * per-request variance estimated from the spread of the bucket means around their part's mean
 * ({@code sum_i c_i (m_i - m_part)^2 / (buckets - 2)}: a bucket mean of {@code c_i} requests has variance
 * {@code s^2 / c_i}), so no per-request sum of squares needs to be kept. The split with the largest {@code z}
 * counts if {@code z > }{@value #Z} (conservative for the largest of some 120 splits), the means differ by more
 * than {@value #MIN_RELATIVE_CHANGE} of {@code m_L}, and R is one mix: its bucket means agree with {@code m_R}
 * at the older part's coefficient of variation ({@code sum_R c_i (m_i - m_R)^2 / (m_R^2 cv_L^2)} below the
 * {@value #HOMOGENEITY_QUANTILE} quantile of chi-squared with {@code buckets_R - 1} degrees of freedom), so
 * that a part holding both the last old bucket and the first new one is no regime, and R's first bucket with
 * requests is nearer {@code m_R} than {@code m_L} (it is not a bucket of the old mix). The estimate is then
 * {@code m_R}: one step from the old mix to the new one. Until then, while the newest one or two buckets
 * already differ that much from the older ones, the estimate stays the older part's mean (a pending change:
 * the blend of the two mixes is never reported).
 * <p><b>Standard error.</b> Each mean comes with its standard error {@code s_P / sqrt(n_P)} over the part P it
 * is taken from, {@code s_P^2} estimated from P's bucket means as above (0, unknown, with fewer than two
 * buckets with requests), so the optimizer can tell a change of the mix from the noise of heavy-tailed token
 * counts (a code trace's generated tokens have a coefficient of variation above 2). As that variance rests on
 * P's {@code k} buckets, the error reported is the Student-t interval's: {@code t(0.975, k - 1) / 1.96} times
 * the standard error, so that 1.96 of it is the 95% interval's half-width (6.5 times the standard error for
 * two buckets, 1.02 for 36): a newest part of two buckets holding one very long request is no precise mean.
 * <p>The buckets are the whole token history (ten minutes by default), not the rate regime: the mix does not
 * follow the rate, and on bursty arrivals the rate regime restarts at every burst, which left the mean a few
 * buckets of requests.
 * <p>O(buckets); pure and deterministic.
 */
final class TokenMeans {
    /** Fewest requests with a token count on each side of a split. */
    static final int MIN_REQUESTS = 30;
    /** Smallest standardized difference of the two means that counts as a change. */
    static final double Z = 5;
    /** Smallest relative difference of the two means that counts as a change. */
    static final double MIN_RELATIVE_CHANGE = 0.1;
    /** The standard normal's 97.5% quantile: the reported error times it is the 95% interval's half-width. */
    static final double Z95 = 1.959964;
    /** Quantile of the chi-squared test that the newer part is one mix. */
    static final double HOMOGENEITY_QUANTILE = 0.999;

    private TokenMeans() {
    }

    /**
     * A mean token count with its standard error.
     *
     * @param mean          mean tokens per request, 0 if no request reported one
     * @param standardError its standard error (the 95% interval's half-width over 1.96), 0 if unknown
     */
    record Mean(double mean, double standardError) {
        static final Mean NONE = new Mean(0, 0);
    }

    /**
     * The buckets the token means are taken over: the longest prefix of the token history whose every bucket
     * holds all its requests' lengths (its completions reach its arrivals) or has waited long enough for them
     * (class doc).
     *
     * @param buckets                 the token history's buckets, oldest first, one per step
     * @param boundaryMillis          the boundary they were closed up to
     * @param stepMillis              step S
     * @param maxCompletionWaitMillis a bucket whose end is at least this much older than the boundary counts even
     *                                if some of its requests never completed
     * @return the mature buckets, oldest first (a view of {@code buckets})
     */
    static List<ClosedBucket> mature(List<ClosedBucket> buckets, long boundaryMillis, long stepMillis,
            long maxCompletionWaitMillis) {
        int i = 0;
        while (i < buckets.size()) {
            ClosedBucket b = buckets.get(i);
            if (!b.totals().allCompleted() && boundaryMillis - (b.startMillis() + stepMillis) < maxCompletionWaitMillis) {
                break;
            }
            i++;
        }
        return buckets.subList(0, i);
    }

    /**
     * Whether the mix of the requests seen is still to be measured: the token history holds an arrival, but no
     * mature bucket does, so the means are 0 for want of a completed bucket, not of token counts. It ends at most
     * {@code maxCompletionWaitMillis} after the first arrival's bucket ({@link #mature}). The optimizer keeps a
     * plan made for a declared rate until then (a first plan at a mix nobody measured could only be off).
     *
     * @param buckets the token history's buckets, oldest first
     * @param mature  its mature prefix ({@link #mature})
     * @return true while requests have arrived and none of their buckets is mature
     */
    static boolean pending(List<ClosedBucket> buckets, List<ClosedBucket> mature) {
        return mature.stream().noneMatch(b -> b.totals().arrivals() > 0)
                && buckets.stream().anyMatch(b -> b.totals().arrivals() > 0);
    }

    /**
     * @param buckets mature buckets of the token history, oldest first
     * @return mean prompt tokens per arrival in the newest token regime, 0 if none reported one
     */
    static Mean input(List<ClosedBucket> buckets) {
        return newest(buckets, b -> b.totals().inputTokenCount(), b -> b.totals().inputTokenSum());
    }

    /**
     * @param buckets mature buckets of the token history, oldest first
     * @return mean generated tokens per completed request in the newest token regime, 0 if none reported one
     */
    static Mean output(List<ClosedBucket> buckets) {
        return newest(buckets, b -> b.totals().outputTokenCount(), b -> b.totals().outputTokenSum());
    }

    static Mean newest(List<ClosedBucket> buckets, ToLongFunction<ClosedBucket> count,
            ToLongFunction<ClosedBucket> sum) {
        int n = buckets.size();
        // prefix sums over buckets: requests, token sums, sum of s_i^2 / c_i, buckets with requests
        double[] c = new double[n + 1];
        double[] s = new double[n + 1];
        double[] q = new double[n + 1];
        int[] used = new int[n + 1];
        for (int i = 0; i < n; i++) {
            long ci = count.applyAsLong(buckets.get(i));
            long si = sum.applyAsLong(buckets.get(i));
            c[i + 1] = c[i] + ci;
            s[i + 1] = s[i] + si;
            q[i + 1] = q[i] + (ci > 0 ? (double) si * si / ci : 0);
            used[i + 1] = used[i] + (ci > 0 ? 1 : 0);
        }
        if (c[n] == 0) {
            return Mean.NONE;
        }
        double best = Z;
        int from = 0;
        for (int k = 1; k < n; k++) {
            double nl = c[k];
            double nr = c[n] - c[k];
            if (nl < MIN_REQUESTS || nr < MIN_REQUESTS || used[k] < 2 || used[n] - used[k] < 2) {
                continue;
            }
            double ml = s[k] / nl;
            double mr = (s[n] - s[k]) / nr;
            double within = (q[k] - s[k] * s[k] / nl) + (q[n] - q[k] - (s[n] - s[k]) * (s[n] - s[k]) / nr);

            int df = used[n] - 2;
            double variance = df > 0 ? Math.max(within, 0) / df : 0;
            double diff = Math.abs(mr - ml);
            double z = variance > 0 ? diff / Math.sqrt(variance * (1 / nl + 1 / nr)) : diff > 0 ? Double.MAX_VALUE : 0;
            double withinL = q[k] - s[k] * s[k] / nl;
            double withinR = q[n] - q[k] - (s[n] - s[k]) * (s[n] - s[k]) / nr;
            if (z > best && diff > MIN_RELATIVE_CHANGE * ml && oneMix(withinL, used[k], ml, withinR, used[n] - used[k], mr)
                    && startsNewMix(c, s, k, ml, mr)) {
                best = z;
                from = k;
            }
        }
        if (best > Z) {
            return part(c, s, q, used, from, n);
        }
        OptionalInt older = pending(c, s, q, used, n);
        return older.isPresent() ? part(c, s, q, used, 0, older.getAsInt()) : part(c, s, q, used, 0, n);
    }

    /** The mean of buckets {@code [a, b)} with its standard error, from the prefix sums. */
    private static Mean part(double[] c, double[] s, double[] q, int[] used, int a, int b) {
        double np = c[b] - c[a];
        double sp = s[b] - s[a];
        int buckets = used[b] - used[a];
        double within = Math.max(q[b] - q[a] - sp * sp / np, 0);
        if (buckets < 2) {
            return new Mean(sp / np, 0);
        }
        double variance = within / (buckets - 1);
        double t = TDistribution.of(buckets - 1).inverseCumulativeProbability(0.975) / Z95;
        return new Mean(sp / np, t * Math.sqrt(variance / np));
    }

    /**
     * While a change is pending (the newest one or two buckets differ from the older ones by more than
     * {@value #Z} standard errors at the older part's spread, but do not yet make a regime of their own), the
     * older part's mean: the blend of the two mixes is never reported, so a mix change moves the estimate once.
     * Of the two splits, the one with the larger difference in standard errors: with two new buckets, the older
     * part before the newest one still holds a bucket of the new mix.
     *
     * @return the end of the older part, if a change is pending
     */
    private static OptionalInt pending(double[] c, double[] s, double[] q, int[] used, int n) {
        OptionalInt at = OptionalInt.empty();
        double best = Z;
        for (int k = n - 1; k >= Math.max(1, n - 2); k--) {
            double nl = c[k];
            double nr = c[n] - c[k];
            if (nl < MIN_REQUESTS || used[k] < 2 || nr == 0) {
                continue;
            }
            double ml = s[k] / nl;
            double mr = (s[n] - s[k]) / nr;
            double variance = Math.max(q[k] - s[k] * s[k] / nl, 0) / (used[k] - 1);
            double diff = Math.abs(mr - ml);
            double z = variance > 0 ? diff / Math.sqrt(variance * (1 / nl + 1 / nr)) : diff > 0 ? Double.MAX_VALUE : 0;
            if (z > best && diff > MIN_RELATIVE_CHANGE * ml) {
                best = z;
                at = OptionalInt.of(k);
            }
        }
        return at;
    }

    /**
     * Whether the first bucket with requests of the newer part (from bucket {@code k}) is nearer its mean than the
     * older part's: else the split puts a bucket of the old mix into the new regime. With few requests per bucket
     * (10 at 2 req/s), the split just before the last old bucket reaches {@value #MIN_REQUESTS} requests on the new
     * side a bucket before the true one does, and the homogeneity test of two or three buckets does not always
     * reject it, so the blend would be reported for a step.
     */
    private static boolean startsNewMix(double[] c, double[] s, int k, double ml, double mr) {
        int i = k;
        while (c[i + 1] == c[i]) {
            i++;
        }
        double first = (s[i + 1] - s[i]) / (c[i + 1] - c[i]);
        return Math.abs(first - mr) <= Math.abs(first - ml);
    }

    /** Whether the newer part's bucket means agree with one mean at the older part's coefficient of variation. */
    private static boolean oneMix(double withinL, int bucketsL, double ml, double withinR, int bucketsR, double mr) {
        double cv2 = Math.max(withinL, 0) / (bucketsL - 1) / (ml * ml);
        double h = Math.max(withinR, 0) / (mr * mr * Math.max(cv2, 1e-9));
        return h <= ChiSquaredDistribution.of(bucketsR - 1).inverseSurvivalProbability(1 - HOMOGENEITY_QUANTILE);
    }
}
