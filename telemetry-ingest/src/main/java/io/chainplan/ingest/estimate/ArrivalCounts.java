package io.chainplan.ingest.estimate;

import java.util.Arrays;

/**
 * The arrivals of the most recent consecutive closed buckets, oldest first: the bounded history
 * behind the burstiness measurement ({@link BurstinessEstimator}). The newest count is the bucket
 * just before the estimator's boundary; appending beyond a capacity drops the oldest. Immutable.
 */
public final class ArrivalCounts {
    /** No bucket. */
    public static final ArrivalCounts EMPTY = new ArrivalCounts(new long[0]);

    private final long[] counts;

    private ArrivalCounts(long[] counts) {
        this.counts = counts;
    }

    /**
     * @param counts arrivals per bucket, oldest first, each {@code >= 0} (copied)
     * @return the history
     */
    public static ArrivalCounts of(long... counts) {
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) {
                throw new IllegalArgumentException("arrival counts must be >= 0, bucket " + i + " was " + counts[i]);
            }
        }
        return counts.length == 0 ? EMPTY : new ArrivalCounts(counts.clone());
    }

    /** @return buckets held */
    public int size() {
        return counts.length;
    }

    /**
     * @param i bucket index, 0 the oldest
     * @return its arrivals
     */
    public long get(int i) {
        return counts[i];
    }

    /**
     * @param count    arrivals of the bucket just closed, {@code >= 0}
     * @param capacity most buckets kept, {@code >= 1}
     * @return this history with the bucket appended, the oldest dropped beyond the capacity
     */
    public ArrivalCounts append(long count, int capacity) {
        if (count < 0) {
            throw new IllegalArgumentException("arrival count must be >= 0, was " + count);
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        int keep = Math.min(counts.length, capacity - 1);
        long[] out = new long[keep + 1];
        System.arraycopy(counts, counts.length - keep, out, 0, keep);
        out[keep] = count;
        return new ArrivalCounts(out);
    }

    /**
     * @param fromNewest which bucket: 0 the newest, 1 the one before, ...
     * @param delta      late arrivals to add, {@code >= 0}
     * @return this history with them added; unchanged if the bucket is no longer held
     */
    public ArrivalCounts plusLate(int fromNewest, long delta) {
        if (delta < 0) {
            throw new IllegalArgumentException("late arrivals must be >= 0, were " + delta);
        }
        if (fromNewest < 0 || fromNewest >= counts.length || delta == 0) {
            return this;
        }
        long[] out = counts.clone();
        out[counts.length - 1 - fromNewest] += delta;
        return new ArrivalCounts(out);
    }

    /**
     * @param n how many, {@code 0 <= n <= size()}
     * @return the oldest {@code n} counts, oldest first (a copy)
     */
    public long[] oldest(int n) {
        if (n < 0 || n > counts.length) {
            throw new IllegalArgumentException("n must be in [0, " + counts.length + "], was " + n);
        }
        return Arrays.copyOf(counts, n);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArrivalCounts other && Arrays.equals(counts, other.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "ArrivalCounts" + Arrays.toString(counts);
    }
}
