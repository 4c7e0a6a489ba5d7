package io.chainplan.ingest.estimate;

import java.util.Objects;

/**
 * Measured timings of one server, as learned from completed requests' hops.
 *
 * @param commSeconds    tau_c estimate, seconds per request (NaN if no sample): robust mean of all hops
 * @param commSamples    samples behind it
 * @param computeSeconds tau_p estimate, seconds per block per request (NaN if no sample): robust mean of all hops
 * @param computeSamples samples behind it
 * @param atMillis       event time of the newest sample
 * @param computeFit     the per-token fit of compute seconds per block on {@code (1, l_in, l_out - 1)}
 *                       over the hops of requests with token counts
 * @param commFit        the per-token fit of network seconds per hop on {@code (1, l_out - 1)}
 */
public record TimingSummary(double commSeconds, long commSamples, double computeSeconds, long computeSamples,
                            long atMillis, TokenFit computeFit, TokenFit commFit) {
    /** Validates: counts {@code >= 0}; a value is a non-negative number exactly when it has samples. */
    public TimingSummary {
        check(commSeconds, commSamples, "comm");
        check(computeSeconds, computeSamples, "compute");
        Objects.requireNonNull(computeFit, "computeFit");
        Objects.requireNonNull(commFit, "commFit");
        if (computeFit.dimension() != 3 || commFit.dimension() != 2) {
            throw new IllegalArgumentException("the compute fit has 3 coefficients and the comm fit 2, had "
                    + computeFit.dimension() + " and " + commFit.dimension());
        }
    }

    /**
     * @param commSeconds    tau_c robust mean
     * @param commSamples    its samples
     * @param computeSeconds tau_p robust mean
     * @param computeSamples its samples
     * @param atMillis       newest sample
     * @return a summary without per-token fits (no hop reported token counts)
     */
    public static TimingSummary withoutFits(double commSeconds, long commSamples, double computeSeconds, long computeSamples,
                                            long atMillis) {
        return new TimingSummary(commSeconds, commSamples, computeSeconds, computeSamples, atMillis, TokenFit.empty(3),
                TokenFit.empty(2));
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
