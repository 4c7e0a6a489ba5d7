package io.chainplan.ingest.estimate;

import java.util.List;
import java.util.Objects;

/**
 * Keeps the span of recent buckets that burstiness is measured on, so that a rate shift does not
 * read as burstiness, and measures it ({@link BurstinessEstimator}).
 *
 * <p><b>The span.</b> Every closed bucket is appended, up to the burstiness history (default 10
 * min, the oldest dropped). The span restarts empty whenever a change of the level is detected:
 * <ul>
 *   <li>a change point of the rate ({@link ArrivalRateEstimator}), and</li>
 *   <li>a change of the span's own level: the same pair of capped Poisson CUSUMs
 *       ({@link PoissonCusum}) run against the span's level, the mean of its buckets each
 *       winsorized as it entered (as the rate estimator does, so that bursts move the level little).
 *       The rate's detector compares a bucket with the regime's level over the horizon (3 min), so
 *       a shift too small to fire it is absorbed into that level within the horizon and never
 *       fires; against the span's level over up to 10 minutes the same shift keeps counting.</li>
 * </ul>
 * The span restarts at the detection, not at the change the CUSUM locates, so buckets of the old
 * level, which that location may include, stay out of the new span. A burst of at most b buckets
 * (default 10 s) cannot fire either detector on its own, so bursts stay in the span.
 * <p><b>Settled data only.</b> While one of the span's CUSUMs has reached a quarter of its
 * threshold (a change may be in the making), the buckets since that excursion began are left out
 * of the measurement; they count again if the excursion ends without a change.
 * <p><b>Measured</b> (200 seeded runs each at 0.5, 2 and 10 req/s, 5 s buckets, 10 min of
 * constant rate, then the rate doubles): the share of steps whose index at one of the windows (5,
 * 10, 60 s) lies more than 3 Poisson standard errors above 1 is, by window and rate, 0.1-1.2% under the constant rate (the noise of the
 * test itself), 0.2-2.0% in the 50 s after the doubling and 0.4-2.8% from then to 5 minutes after
 * it. With the rate's change points as the only restarts and no exclusion it was 6-52% and
 * 0.4-69% (at 0.5 req/s the rate's detector often absorbs a doubling without firing). Bursts stay:
 * at 2 req/s with 10 s at 6 to 20 req/s every one or two minutes the span averages 460-590 s and
 * reads bursty at 96-100% of the steps.
 * <p><b>Bursty traffic</b> such as the Azure LLM code trace (index of dispersion 47 at 5 s and 167
 * at 60 s over the whole trace) changes its level every minute or so: replayed at its own rate
 * the rate's detector fires 45 times in 57 minutes and the span averages 47 s, so measured on the span
 * alone the optimizer's fit sees a bursty process at 5% of the steps after the first 10 minutes (too few
 * arrivals in the span at most others); with the rule below, at 76% (the span is then the whole 600 s).
 * <p><b>Recurring level changes.</b> When the span restarted at least {@link #RECURRING_RESTARTS} times
 * within the burstiness history (three changes of the level in ten minutes: not a step of the rate, which
 * restarts it once), the changes are the bursts, and burstiness is measured over the whole history
 * instead (every bucket of it, restarts notwithstanding; {@code burstinessSeconds} says so), and the rate
 * estimate is the long-run rate over the same history ({@link ArrivalRateEstimator}, "Bursty arrivals"): the
 * optimizer plans for the bursty process at its mean rate, not for the level of the moment.
 * <p>Pure, deterministic, immutable and thread-safe.
 */
public final class BurstinessTracker {
    /**
     * Restarts of the span within the burstiness history from which the level changes are taken for
     * the bursts themselves and the whole history is measured (class doc, "Recurring level changes").
     */
    static final int RECURRING_RESTARTS = 3;
    private final PoissonCusum cusum;
    private final BurstinessEstimator estimator;
    private final int historyBuckets;
    private final int warmupBuckets;
    private final long stepMillis;

    /**
     * @param settings the demand estimator's tuning (step, history, CUSUM)
     */
    public BurstinessTracker(DemandEstimatorSettings settings) {
        Objects.requireNonNull(settings, "settings");
        this.cusum = new PoissonCusum(settings);
        this.estimator = settings.burstinessEstimator();
        this.historyBuckets = settings.burstinessHistoryBuckets();
        this.warmupBuckets = settings.warmupBuckets();
        this.stepMillis = settings.stepMillis();
    }

    /**
     * @param state       the state before the bucket
     * @param arrivals    arrivals of the bucket just closed (before any clipping)
     * @param bucketStart the bucket's start
     * @param rateChange  whether the rate estimator detected a change point at this bucket
     * @return the state after it
     */
    public BurstinessState close(BurstinessState state, long arrivals, long bucketStart, boolean rateChange) {
        Objects.requireNonNull(state, "state");
        ArrivalCounts history = state.history().append(arrivals, historyBuckets);
        if (rateChange) {
            return restarted(state, history);
        }
        ArrivalCounts counts = state.counts().append(arrivals, historyBuckets);
        ArrivalCounts kept = state.restarts().append(0, historyBuckets);
        if (state.counts().size() < warmupBuckets) {
            return new BurstinessState(counts, state.clipped().append(arrivals, historyBuckets), DemandState.Cusum.ZERO,
                    DemandState.Cusum.ZERO, history, kept);
        }
        double level = mean(state.clipped());
        DemandState.Cusum up = state.up().plus(cusum.upIncrement(arrivals, level), bucketStart);
        DemandState.Cusum down = state.down().plus(cusum.downIncrement(arrivals, level), bucketStart);
        if (up.value() >= cusum.threshold() || down.value() >= cusum.threshold()) {
            return restarted(state, history);
        }
        ArrivalCounts clipped = state.clipped().append(Math.min(arrivals, cusum.clipAt(level)), historyBuckets);
        return new BurstinessState(counts, clipped, up, down, history, kept);
    }

    /** An empty span that restarted at the bucket just closed; the history keeps it, marked. */
    private BurstinessState restarted(BurstinessState state, ArrivalCounts history) {
        return new BurstinessState(ArrivalCounts.EMPTY, ArrivalCounts.EMPTY, DemandState.Cusum.ZERO, DemandState.Cusum.ZERO,
                history, state.restarts().append(1, historyBuckets));
    }

    /**
     * @param state      the state
     * @param fromNewest which bucket: 0 the newest closed one
     * @param arrivals   late arrivals to add to it
     * @return the state with them (unchanged if the bucket is not in the span)
     */
    public BurstinessState plusLate(BurstinessState state, int fromNewest, long arrivals) {
        return new BurstinessState(state.counts().plusLate(fromNewest, arrivals), state.clipped().plusLate(fromNewest, arrivals),
                state.up(), state.down(), state.history().plusLate(fromNewest, arrivals), state.restarts());
    }

    /**
     * @param state the state
     * @return whether the level changes recur, so that they are the bursts and the whole history is measured
     *         (class doc, "Recurring level changes")
     */
    public static boolean recurring(BurstinessState state) {
        return state.restartCount() >= RECURRING_RESTARTS;
    }

    /**
     * @param state    the state
     * @param boundary the estimator's boundary (the end of the newest bucket)
     * @return the burstiness of the span's settled buckets
     */
    public BurstinessEstimate estimate(BurstinessState state, long boundary) {
        if (recurring(state)) {
            ArrivalCounts history = state.history();
            return estimator.measure(history.oldest(history.size()));
        }
        long end = boundary;
        for (DemandState.Cusum c : List.of(state.up(), state.down())) {
            if (c.value() >= cusum.threshold() / 4 && c.startMillis() != Long.MIN_VALUE) {
                end = Math.min(end, c.startMillis());
            }
        }
        ArrivalCounts counts = state.counts();
        int pending = (int) Math.min(counts.size(), Math.max(0, (boundary - end) / stepMillis));
        return estimator.measure(counts.oldest(counts.size() - pending));
    }

    private static double mean(ArrivalCounts counts) {
        long sum = 0;
        for (int i = 0; i < counts.size(); i++) {
            sum += counts.get(i);
        }
        return (double) sum / counts.size();
    }
}
