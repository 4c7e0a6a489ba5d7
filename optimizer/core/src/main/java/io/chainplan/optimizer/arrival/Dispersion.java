package io.chainplan.optimizer.arrival;

import java.util.Objects;
import java.util.Optional;

/**
 * The index of dispersion of counts measured at one window length: the variance over the mean of
 * the number of arrivals in consecutive windows of {@code windowSeconds} (1 for a Poisson process,
 * larger for bursty traffic).
 *
 * @param windowSeconds window length t ({@code > 0})
 * @param index         I(t) ({@code >= 0}, finite)
 * @param windows       number of windows it was measured over ({@code >= 2})
 */
public record Dispersion(double windowSeconds, double index, long windows) {
    /** Validates the fields, naming the offending one. */
    public Dispersion {
        if (!(windowSeconds > 0 && Double.isFinite(windowSeconds))) {
            throw new IllegalArgumentException("dispersion windowSeconds must be a finite number > 0, was " + windowSeconds);
        }
        if (!(index >= 0 && Double.isFinite(index))) {
            throw new IllegalArgumentException("index of dispersion at " + windowSeconds + " s must be a finite number >= 0, was "
                    + index);
        }
        if (windows < 2) {
            throw new IllegalArgumentException("index of dispersion at " + windowSeconds + " s needs at least 2 windows, had "
                    + windows);
        }
    }

    /**
     * Measures the index of dispersion from consecutive counts: the counts of {@code bucketsPerWindow}
     * consecutive buckets are summed into one window (a trailing partial window is left out), and the
     * index is the sample variance over the mean of the window counts (1 when no arrival was counted).
     * The one implementation of the measurement: telemetry-ingest's streams and trace files use it alike.
     *
     * @param counts           arrivals per bucket, in time order
     * @param bucketSeconds    length of one bucket ({@code > 0})
     * @param bucketsPerWindow buckets per window ({@code >= 1})
     * @return the index at window {@code bucketSeconds * bucketsPerWindow}, empty if fewer than two windows fit
     */
    public static Optional<Dispersion> ofCounts(long[] counts, double bucketSeconds, int bucketsPerWindow) {
        Objects.requireNonNull(counts, "counts");
        if (bucketsPerWindow < 1) {
            throw new IllegalArgumentException("bucketsPerWindow must be >= 1, was " + bucketsPerWindow);
        }
        int windows = counts.length / bucketsPerWindow;
        if (windows < 2) {
            return Optional.empty();
        }
        double sum = 0;
        double[] w = new double[windows];
        for (int i = 0; i < windows; i++) {
            for (int b = 0; b < bucketsPerWindow; b++) {
                long c = counts[i * bucketsPerWindow + b];
                if (c < 0) {
                    throw new IllegalArgumentException("counts must be >= 0, bucket " + (i * bucketsPerWindow + b) + " was " + c);
                }
                w[i] += c;
            }
            sum += w[i];
        }
        double mean = sum / windows;
        double ss = 0;
        for (double x : w) {
            ss += (x - mean) * (x - mean);
        }
        double index = mean == 0 ? 1 : ss / (windows - 1) / mean;
        return Optional.of(new Dispersion(bucketSeconds * bucketsPerWindow, index, windows));
    }

    /**
     * The standard error of the index under Poisson arrivals, {@code sqrt(2 / (windows - 1))}: the
     * noise against which burstiness is judged.
     *
     * @return the standard error
     */
    public double poissonStandardError() {
        return Math.sqrt(2.0 / (windows - 1));
    }
}
