package io.chainplan.ingest.estimate;

import java.util.List;
import java.util.Objects;

/**
 * The arrival-rate estimator's state for one model (what a state store keeps).
 *
 * @param evaluatedUntilMillis every bucket starting before this boundary is closed;
 *                             {@link Long#MIN_VALUE} before the first event
 * @param regimeStartMillis    start of the current regime (data since the last change point)
 * @param buckets              closed buckets within the horizon, oldest first, one per step
 * @param burstiness           the span burstiness is measured on ({@link BurstinessTracker})
 * @param up                   the upward CUSUM
 * @param down                 the downward CUSUM
 * @param changePoints         change points detected so far
 * @param lastEmitted          the last published estimate
 */
public record DemandState(long evaluatedUntilMillis, long regimeStartMillis, List<ClosedBucket> buckets,
                          BurstinessState burstiness, Cusum up, Cusum down, long changePoints, EmittedDemand lastEmitted) {
    /**
     * A one-sided CUSUM statistic.
     *
     * @param value       current value, {@code >= 0}
     * @param startMillis start of the bucket where it last rose from 0 ({@link Long#MIN_VALUE} at 0)
     */
    public record Cusum(double value, long startMillis) {
        /** At rest. */
        public static final Cusum ZERO = new Cusum(0, Long.MIN_VALUE);

        /** Validates. */
        public Cusum {
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("CUSUM value must be finite and >= 0, was " + value);
            }
        }

        /**
         * @param increment   the bucket's (capped) log-likelihood ratio
         * @param bucketStart the bucket's start
         * @return the statistic after the bucket
         */
        public Cusum plus(double increment, long bucketStart) {
            double v = Math.max(0, value + increment);
            if (v == 0) {
                return ZERO;
            }
            return new Cusum(v, value == 0 ? bucketStart : startMillis);
        }
    }

    /** Copies the bucket list and validates. */
    public DemandState {
        buckets = List.copyOf(buckets);
        Objects.requireNonNull(burstiness, "burstiness");
        Objects.requireNonNull(lastEmitted, "lastEmitted");
        Objects.requireNonNull(up, "up");
        Objects.requireNonNull(down, "down");
        if (changePoints < 0) {
            throw new IllegalArgumentException("changePoints must be >= 0, was " + changePoints);
        }
        for (int i = 1; i < buckets.size(); i++) {
            if (buckets.get(i).startMillis() <= buckets.get(i - 1).startMillis()) {
                throw new IllegalArgumentException("buckets must be in increasing start order, were "
                        + buckets.get(i - 1).startMillis() + " then " + buckets.get(i).startMillis());
            }
        }
    }

    /** The state before any event. */
    public static final DemandState EMPTY = new DemandState(Long.MIN_VALUE, Long.MIN_VALUE, List.of(),
            BurstinessState.EMPTY, Cusum.ZERO, Cusum.ZERO, 0, EmittedDemand.NONE);

    /** @return whether an event has been seen */
    public boolean started() {
        return evaluatedUntilMillis != Long.MIN_VALUE;
    }

    /**
     * @param emitted the estimate just published
     * @return this state remembering it
     */
    public DemandState withEmitted(DemandEstimateValue emitted) {
        return new DemandState(evaluatedUntilMillis, regimeStartMillis, buckets, burstiness, up, down,
                changePoints, EmittedDemand.of(emitted));
    }
}
