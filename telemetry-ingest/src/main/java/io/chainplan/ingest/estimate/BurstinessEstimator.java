package io.chainplan.ingest.estimate;

import io.chainplan.optimizer.arrival.Dispersion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Measures the burstiness of arrivals from consecutive bucket counts: for each window length (a
 * whole number of buckets) the index of dispersion of counts over the newest whole windows of the
 * span ({@link Dispersion#ofCounts}, the one implementation of that measurement), the span's
 * arrivals and length, and its peak bucket rate. A window that fits fewer than two times into the
 * span, or a span without arrivals, gives no index (an index of a span without arrivals says
 * nothing about the process), so no NaN, infinite or negative index is ever produced.
 * <p>Why whole buckets: the estimator keeps one count per step bucket (5 s by default) and the
 * per-event path only adds to the open bucket; a sub-bucket window (the 1 s of
 * {@code Burstiness.WINDOWS_SECONDS}) would need sub-bucket counts in every open bucket, i.e. more
 * work per event and a bigger history, for a time scale shorter than a chain's service time, where
 * the fitted model's excess dispersion already shows in the 5 s window. With a 1 s step the 1 s
 * window is measured ({@link #windowBuckets}).
 * <p>Pure, deterministic, immutable and thread-safe.
 */
public final class BurstinessEstimator {
    private final double bucketSeconds;
    private final int[] windowBuckets;

    /**
     * @param bucketSeconds length of one bucket, {@code > 0}
     * @param windowBuckets window lengths in buckets, each {@code >= 1}
     */
    public BurstinessEstimator(double bucketSeconds, int... windowBuckets) {
        if (!(bucketSeconds > 0 && Double.isFinite(bucketSeconds))) {
            throw new IllegalArgumentException("bucketSeconds must be finite and > 0, was " + bucketSeconds);
        }
        Objects.requireNonNull(windowBuckets, "windowBuckets");
        for (int m : windowBuckets) {
            if (m < 1) {
                throw new IllegalArgumentException("window lengths must be >= 1 bucket, were " + Arrays.toString(windowBuckets));
            }
        }
        this.bucketSeconds = bucketSeconds;
        this.windowBuckets = windowBuckets.clone();
    }

    /**
     * The window lengths, in buckets, that stand for the wanted ones: each rounded up to a whole
     * number of buckets (at least one), duplicates dropped, ascending. With 5 s buckets the
     * windows 1, 10 and 60 s become 5, 10 and 60 s.
     *
     * @param stepMillis     bucket length, {@code > 0}
     * @param windowsSeconds wanted window lengths, each {@code > 0}
     * @return window lengths in buckets
     */
    public static int[] windowBuckets(long stepMillis, double... windowsSeconds) {
        if (stepMillis <= 0) {
            throw new IllegalArgumentException("stepMillis must be > 0, was " + stepMillis);
        }
        TreeSet<Integer> out = new TreeSet<>();
        for (double w : windowsSeconds) {
            if (!(w > 0 && Double.isFinite(w))) {
                throw new IllegalArgumentException("window lengths must be finite and > 0 s, were " + Arrays.toString(windowsSeconds));
            }
            out.add((int) Math.max(1, Math.ceil(w * 1000 / stepMillis - 1e-9)));
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * @param counts arrivals per bucket over the span to measure, oldest first, each {@code >= 0}
     * @return what the span shows
     */
    public BurstinessEstimate measure(long[] counts) {
        Objects.requireNonNull(counts, "counts");
        long arrivals = 0;
        long peak = 0;
        for (long c : counts) {
            if (c < 0) {
                throw new IllegalArgumentException("arrival counts must be >= 0, were " + Arrays.toString(counts));
            }
            arrivals += c;
            peak = Math.max(peak, c);
        }
        double span = counts.length * bucketSeconds;
        if (arrivals == 0) {
            return new BurstinessEstimate(List.of(), 0, span, 0);
        }
        List<Dispersion> dispersions = new ArrayList<>(windowBuckets.length);
        for (int m : windowBuckets) {
            int whole = counts.length / m * m;
            Dispersion.ofCounts(Arrays.copyOfRange(counts, counts.length - whole, counts.length), bucketSeconds, m)
                    .ifPresent(dispersions::add);
        }
        return new BurstinessEstimate(dispersions, arrivals, span, peak / bucketSeconds);
    }
}
