package io.chainplan.ingest.estimate;

import java.util.Objects;

/**
 * The parameters of one server for the optimizer (DESIGN.md §1: M_j, tau_c, tau_p) with liveness.
 *
 * @param modelId        model served, "" if unknown
 * @param atMillis       event time of the newest input behind the estimate
 * @param memoryBytes    M_j: usable memory (total minus the reserve), {@code >= 0}
 * @param commSeconds    tau_c, seconds per request: the fitted coefficients at the reference mix
 *                       when the communication part is fitted, else the robust mean of the hops
 *                       once it has enough samples, else the declared value
 * @param computeSeconds tau_p, seconds per block per request, likewise
 * @param commSamples    measured samples behind tau_c (0: the declared value)
 * @param computeSamples measured samples behind tau_p (0: the declared value)
 * @param status         liveness
 * @param lastSeenMillis event time of the last telemetry
 * @param tokenTimings   the per-token coefficients and their uncertainty
 */
public record ServerEstimateValue(String modelId, long atMillis, long memoryBytes, double commSeconds,
                                  double computeSeconds, long commSamples, long computeSamples,
                                  ServerLiveness status, long lastSeenMillis, TokenTimingEstimate tokenTimings) {
    /** Validates. */
    public ServerEstimateValue {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(tokenTimings, "tokenTimings");
        if (memoryBytes < 0 || !(commSeconds >= 0) || !(computeSeconds >= 0) || commSamples < 0 || computeSamples < 0) {
            throw new IllegalArgumentException("invalid server estimate: memory " + memoryBytes + ", comm " + commSeconds
                    + ", compute " + computeSeconds + ", samples " + commSamples + "/" + computeSamples);
        }
    }
}
