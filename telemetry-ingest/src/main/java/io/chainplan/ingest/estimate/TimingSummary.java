package io.chainplan.ingest.estimate;

/**
 * Measured timings of one server, as learned from completed requests' hops.
 *
 * @param commSeconds    tau_c estimate, seconds per request (NaN if no sample)
 * @param commSamples    samples behind it
 * @param computeSeconds tau_p estimate, seconds per block per request (NaN if no sample)
 * @param computeSamples samples behind it
 * @param atMillis       event time of the newest sample
 */
public record TimingSummary(double commSeconds, long commSamples, double computeSeconds, long computeSamples,
                            long atMillis) {
    /** Validates: counts {@code >= 0}; a value is a non-negative number exactly when it has samples. */
    public TimingSummary {
        check(commSeconds, commSamples, "comm");
        check(computeSeconds, computeSamples, "compute");
    }

    private static void check(double value, long samples, String name) {
        if (samples < 0) {
            throw new IllegalArgumentException(name + "Samples must be >= 0, was " + samples);
        }
        if (samples > 0 && !(value >= 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(name + "Seconds must be finite and >= 0 with " + samples + " samples, was " + value);
        }
    }
}
