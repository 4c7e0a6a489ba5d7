package io.chainplan.ingest.estimate;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The buckets of one model that are still open: everything at or after the boundary the
 * estimator has evaluated up to, and the completions of requests that arrived in a closed bucket
 * (the token means count requests by arrival, {@link TokenMeans}), which the estimator state
 * takes at the next close ({@link ArrivalRateEstimator#addCompletion}). Kept apart from
 * {@link DemandState} so that the per-event update touches only this small value; the estimator
 * state changes once per step.
 *
 * @param evaluatedUntilMillis boundary: buckets before it are closed (same as the estimator's)
 * @param maxEventMillis       largest event time seen for the model
 * @param buckets              open buckets, by start, ascending
 * @param lateCompletions      completions by the closed bucket their requests arrived in, by start,
 *                             ascending (no arrivals)
 */
public record DemandPending(long evaluatedUntilMillis, long maxEventMillis, List<PendingBucket> buckets,
                            List<PendingBucket> lateCompletions) {
    /**
     * One open bucket.
     *
     * @param startMillis bucket start
     * @param totals      what it holds so far
     */
    public record PendingBucket(long startMillis, BucketTotals totals) {
        /** Validates. */
        public PendingBucket {
            Objects.requireNonNull(totals, "totals");
        }
    }

    /** Copies and validates. */
    public DemandPending {
        buckets = List.copyOf(buckets);
        lateCompletions = List.copyOf(lateCompletions);
        for (PendingBucket b : buckets) {
            if (b.startMillis() < evaluatedUntilMillis) {
                throw new IllegalArgumentException("open bucket " + b.startMillis() + " precedes the evaluated boundary "
                        + evaluatedUntilMillis);
            }
        }
        for (PendingBucket b : lateCompletions) {
            if (b.startMillis() >= evaluatedUntilMillis || b.totals().arrivals() != 0) {
                throw new IllegalArgumentException("late completions must be of closed buckets (before "
                        + evaluatedUntilMillis + ") and add no arrival, were " + b);
            }
        }
    }

    /**
     * Without late completions.
     *
     * @param evaluatedUntilMillis boundary
     * @param maxEventMillis       largest event time seen
     * @param buckets              open buckets
     */
    public DemandPending(long evaluatedUntilMillis, long maxEventMillis, List<PendingBucket> buckets) {
        this(evaluatedUntilMillis, maxEventMillis, buckets, List.of());
    }

    /**
     * @param eventMillis the first event's time
     * @param stepMillis  step S
     * @return an empty pending set whose boundary is the start of the event's bucket
     */
    public static DemandPending startingAt(long eventMillis, long stepMillis) {
        long start = bucketStart(eventMillis, stepMillis);
        return new DemandPending(start, eventMillis, List.of());
    }

    /**
     * @param eventMillis event time
     * @param stepMillis  step S
     * @return the start of the bucket holding it
     */
    public static long bucketStart(long eventMillis, long stepMillis) {
        return Math.floorDiv(eventMillis, stepMillis) * stepMillis;
    }

    /**
     * @param eventMillis event time, not before {@link #evaluatedUntilMillis()}
     * @param stepMillis  step S
     * @param delta       what the event adds
     * @return this set with the event added and the maximum event time updated
     */
    public DemandPending add(long eventMillis, long stepMillis, BucketTotals delta) {
        if (eventMillis < evaluatedUntilMillis) {
            throw new IllegalArgumentException("event at " + eventMillis + " is in a closed bucket (boundary "
                    + evaluatedUntilMillis + ")");
        }
        return new DemandPending(evaluatedUntilMillis, Math.max(maxEventMillis, eventMillis),
                merged(buckets, bucketStart(eventMillis, stepMillis), delta), lateCompletions);
    }

    /**
     * @param arrivalMillis the arrival time of a completed request, before {@link #evaluatedUntilMillis()}
     * @param stepMillis    step S
     * @param completion    what it adds (no arrivals)
     * @return this set with the completion kept for the closed bucket, until the next close takes it
     */
    public DemandPending addLateCompletion(long arrivalMillis, long stepMillis, BucketTotals completion) {
        if (arrivalMillis >= evaluatedUntilMillis) {
            throw new IllegalArgumentException("arrival at " + arrivalMillis + " is not in a closed bucket (boundary "
                    + evaluatedUntilMillis + ")");
        }
        return new DemandPending(evaluatedUntilMillis, maxEventMillis, buckets,
                merged(lateCompletions, bucketStart(arrivalMillis, stepMillis), completion));
    }

    /** @return this set without its late completions (taken by the estimator state) */
    public DemandPending withoutLateCompletions() {
        return lateCompletions.isEmpty() ? this : new DemandPending(evaluatedUntilMillis, maxEventMillis, buckets);
    }

    private static List<PendingBucket> merged(List<PendingBucket> buckets, long start, BucketTotals delta) {
        List<PendingBucket> out = new ArrayList<>(buckets.size() + 1);
        boolean added = false;
        for (PendingBucket b : buckets) {
            if (!added && b.startMillis() == start) {
                out.add(new PendingBucket(start, b.totals().plus(delta)));
                added = true;
            } else {
                if (!added && b.startMillis() > start) {
                    out.add(new PendingBucket(start, delta));
                    added = true;
                }
                out.add(b);
            }
        }
        if (!added) {
            out.add(new PendingBucket(start, delta));
        }
        return out;
    }

    /**
     * @param streamTimeMillis a time known to have been reached (e.g. stream time)
     * @return this set with the maximum event time raised to it
     */
    public DemandPending seen(long streamTimeMillis) {
        return streamTimeMillis <= maxEventMillis ? this
                : new DemandPending(evaluatedUntilMillis, streamTimeMillis, buckets, lateCompletions);
    }

    /**
     * @param stepMillis  step S
     * @param graceMillis how long after a bucket's end late events are still waited for
     * @return whether the bucket at the boundary may be closed
     */
    public boolean readyToClose(long stepMillis, long graceMillis) {
        return maxEventMillis - graceMillis >= evaluatedUntilMillis + stepMillis;
    }

    /**
     * @return the totals of the bucket at the boundary (empty if it saw nothing)
     */
    public BucketTotals atBoundary() {
        return buckets.isEmpty() || buckets.get(0).startMillis() != evaluatedUntilMillis
                ? BucketTotals.EMPTY : buckets.get(0).totals();
    }

    /**
     * @param newBoundary the new boundary (a later bucket start)
     * @return this set without the buckets before it
     */
    public DemandPending advanceTo(long newBoundary) {
        if (newBoundary < evaluatedUntilMillis) {
            throw new IllegalArgumentException("boundary may not move back from " + evaluatedUntilMillis + " to " + newBoundary);
        }
        List<PendingBucket> out = buckets.stream().filter(b -> b.startMillis() >= newBoundary).toList();
        return new DemandPending(newBoundary, maxEventMillis, out, lateCompletions);
    }
}
