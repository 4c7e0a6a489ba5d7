package io.chainplan.ingest.estimate;

import java.util.Objects;

/**
 * A validated server telemetry record, in the estimator's terms.
 *
 * @param modelId                 model the server serves, "" if not given
 * @param atMillis                event time
 * @param totalMemoryBytes        total GPU memory, {@code > 0}
 * @param declaredCommSeconds     tau_c the server declares, NaN if none
 * @param declaredComputeSeconds  tau_p the server declares, NaN if none
 * @param reported                status the server reports
 */
public record TelemetryReport(String modelId, long atMillis, long totalMemoryBytes, double declaredCommSeconds,
                              double declaredComputeSeconds, ServerLiveness reported) {
    /** Validates. */
    public TelemetryReport {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(reported, "reported");
        if (totalMemoryBytes <= 0) {
            throw new IllegalArgumentException("totalMemoryBytes must be > 0, was " + totalMemoryBytes);
        }
        requireOptionalSeconds(declaredCommSeconds, "declaredCommSeconds");
        requireOptionalSeconds(declaredComputeSeconds, "declaredComputeSeconds");
    }

    private static void requireOptionalSeconds(double s, String name) {
        if (!Double.isNaN(s) && !(s >= 0 && Double.isFinite(s))) {
            throw new IllegalArgumentException(name + " must be NaN (absent) or finite and >= 0, was " + s);
        }
    }
}
