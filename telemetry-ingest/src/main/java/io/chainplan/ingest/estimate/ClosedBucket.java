package io.chainplan.ingest.estimate;

import java.util.Objects;

/**
 * A time bucket the arrival-rate estimator has evaluated.
 *
 * @param startMillis     bucket start, event time (the bucket is {@code [start, start + step)})
 * @param totals          what arrived in it
 * @param clippedArrivals arrivals after burst clipping (winsorized at a high quantile of the level
 *                        in force when the bucket closed), {@code <= totals.arrivals()}
 */
public record ClosedBucket(long startMillis, BucketTotals totals, long clippedArrivals) {
    /** Validates the clipped count. */
    public ClosedBucket {
        Objects.requireNonNull(totals, "totals");
        if (clippedArrivals < 0 || clippedArrivals > totals.arrivals()) {
            throw new IllegalArgumentException("clippedArrivals must be in [0, " + totals.arrivals() + "], was " + clippedArrivals);
        }
    }

    /**
     * @param late totals that arrived after the bucket was evaluated
     * @return this bucket with them added (late arrivals are not clipped)
     */
    public ClosedBucket plusLate(BucketTotals late) {
        return new ClosedBucket(startMillis, totals.plus(late), clippedArrivals + late.arrivals());
    }
}
