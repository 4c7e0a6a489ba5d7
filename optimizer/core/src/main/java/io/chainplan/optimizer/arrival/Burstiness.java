package io.chainplan.optimizer.arrival;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What is measured of an arrival stream to fit an {@link ArrivalModel}: the mean rate, the number of
 * arrivals it rests on, and the index of dispersion of counts at several window lengths (for example
 * 1 s, 10 s and 60 s, as telemetry-ingest publishes them).
 *
 * @param ratePerSecond mean arrival rate ({@code >= 0}, finite)
 * @param arrivals      arrivals observed ({@code >= 0})
 * @param dispersions   indices of dispersion, by window length ascending (copied, sorted)
 */
public record Burstiness(double ratePerSecond, long arrivals, List<Dispersion> dispersions) {
    /** The window lengths chainplan measures, seconds (telemetry-ingest publishes the same three). */
    public static final double[] WINDOWS_SECONDS = {1, 10, 60};

    /** Validates the fields and sorts the dispersions by window. */
    public Burstiness {
        if (!(ratePerSecond >= 0 && Double.isFinite(ratePerSecond))) {
            throw new IllegalArgumentException("ratePerSecond must be a finite number >= 0, was " + ratePerSecond);
        }
        if (arrivals < 0) {
            throw new IllegalArgumentException("arrivals must be >= 0, was " + arrivals);
        }
        dispersions = Objects.requireNonNull(dispersions, "dispersions").stream()
                .sorted(Comparator.comparingDouble(Dispersion::windowSeconds)).toList();
    }

    /**
     * Measures a list of arrival times (a trace), on the time axis stretched so that the mean rate is
     * {@code ratePerSecond} (a trace replayed at another rate keeps its shape: windows of {@code t} seconds
     * at the new rate are windows of {@code t * rate / traceRate} seconds of the trace).
     *
     * @param arrivalSeconds arrival times in seconds, non-decreasing, at least 2 and spanning a positive time
     * @param ratePerSecond  the rate to measure at ({@code > 0})
     * @param windowSeconds  window lengths at that rate, each {@code > 0}
     * @return the measurements; a window length too long for two full windows is left out
     */
    public static Burstiness ofArrivalTimes(double[] arrivalSeconds, double ratePerSecond, double... windowSeconds) {
        Objects.requireNonNull(arrivalSeconds, "arrivalSeconds");
        if (arrivalSeconds.length < 2) {
            throw new IllegalArgumentException("need at least 2 arrival times, had " + arrivalSeconds.length);
        }
        for (int i = 1; i < arrivalSeconds.length; i++) {
            if (!(arrivalSeconds[i] >= arrivalSeconds[i - 1])) {
                throw new IllegalArgumentException("arrival times must be non-decreasing, time " + i + " is "
                        + arrivalSeconds[i] + " after " + arrivalSeconds[i - 1]);
            }
        }
        double span = arrivalSeconds[arrivalSeconds.length - 1] - arrivalSeconds[0];
        if (!(span > 0 && Double.isFinite(span))) {
            throw new IllegalArgumentException("arrival times must span a positive, finite time, spanned " + span + " s");
        }
        if (!(ratePerSecond > 0 && Double.isFinite(ratePerSecond))) {
            throw new IllegalArgumentException("ratePerSecond must be a finite number > 0, was " + ratePerSecond);
        }
        double stretch = (arrivalSeconds.length - 1) / span / ratePerSecond;
        List<Dispersion> out = new ArrayList<>();
        for (double w : windowSeconds) {
            double traceWindow = w * stretch;
            long windows = (long) Math.floor(span / traceWindow);
            if (windows >= 2 && windows <= Integer.MAX_VALUE) {
                Dispersion.ofCounts(counts(arrivalSeconds, traceWindow, (int) windows), w, 1)
                        .ifPresent(out::add);
            }
        }
        return new Burstiness(ratePerSecond, arrivalSeconds.length, out);
    }

    /** Arrivals per window of {@code window} seconds from the first arrival on; later ones are left out. */
    private static long[] counts(double[] t, double window, int windows) {
        long[] counts = new long[windows];
        double start = t[0];
        for (double x : t) {
            long k = (long) Math.floor((x - start) / window);
            if (k < windows) {
                counts[(int) k]++;
            }
        }
        return counts;
    }
}
