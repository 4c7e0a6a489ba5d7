package io.chainplan.ingest.estimate;

import io.chainplan.optimizer.arrival.Dispersion;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * How bursty one model's arrivals are: what {@link BurstinessEstimator} measured over the current
 * regime's recent buckets (the optimizer fits its arrival model, {@code Mmpp2Fit}, to it).
 *
 * @param dispersions       the index of dispersion of counts at each window length that fits at
 *                          least twice into the span, by window ascending; empty when nothing could
 *                          be measured (too short a span, no arrival): the fit then falls back to Poisson
 * @param arrivals          arrivals in the measured span ({@code >= 0})
 * @param spanSeconds       length of the measured span ({@code >= 0})
 * @param peakRatePerSecond the largest count of one bucket in the span over the bucket length ({@code >= 0})
 */
public record BurstinessEstimate(List<Dispersion> dispersions, long arrivals, double spanSeconds,
                                 double peakRatePerSecond) {
    /** Nothing measured. */
    public static final BurstinessEstimate NONE = new BurstinessEstimate(List.of(), 0, 0, 0);

    /** Copies the dispersions (sorted by window) and validates the numbers. */
    public BurstinessEstimate {
        dispersions = Objects.requireNonNull(dispersions, "dispersions").stream()
                .sorted(Comparator.comparingDouble(Dispersion::windowSeconds)).toList();
        if (arrivals < 0 || !(spanSeconds >= 0 && Double.isFinite(spanSeconds))
                || !(peakRatePerSecond >= 0 && Double.isFinite(peakRatePerSecond))) {
            throw new IllegalArgumentException("invalid burstiness: arrivals " + arrivals + ", span " + spanSeconds
                    + " s, peak " + peakRatePerSecond + " req/s");
        }
    }
}
