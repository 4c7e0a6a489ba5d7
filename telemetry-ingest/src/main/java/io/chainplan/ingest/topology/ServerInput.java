package io.chainplan.ingest.topology;

import io.chainplan.ingest.estimate.GpuMemorySample;
import io.chainplan.ingest.estimate.TelemetryReport;
import io.chainplan.ingest.estimate.TimingSummary;
import java.util.Objects;

/**
 * What reaches the per-server processor through the {@code server-inputs} repartition topic,
 * keyed by server id: telemetry, a GPU memory reading, or timings learned from request hops.
 */
public sealed interface ServerInput {
    /** @return event time of the input */
    long atMillis();

    /**
     * A validated telemetry record.
     *
     * @param report the record's content
     */
    record Telemetry(TelemetryReport report) implements ServerInput {
        /** Validates. */
        public Telemetry {
            Objects.requireNonNull(report, "report");
        }

        @Override
        public long atMillis() {
            return report.atMillis();
        }
    }

    /**
     * A framebuffer reading from GPU metrics.
     *
     * @param sample the reading
     */
    record Gpu(GpuMemorySample sample) implements ServerInput {
        /** Validates. */
        public Gpu {
            Objects.requireNonNull(sample, "sample");
        }

        @Override
        public long atMillis() {
            return sample.atMillis();
        }
    }

    /**
     * Timings learned from completed requests' hops.
     *
     * @param summary the estimates
     */
    record Timing(TimingSummary summary) implements ServerInput {
        /** Validates. */
        public Timing {
            Objects.requireNonNull(summary, "summary");
        }

        @Override
        public long atMillis() {
            return summary.atMillis();
        }
    }
}
