package io.chainplan.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.ingest.topology.IngestMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

class MicrometerIngestMetricsTest {
    @Test
    void shouldCountTimingFallbacksByPartAndReason() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerIngestMetrics metrics = new MicrometerIngestMetrics(registry, InstantSource.system());
        metrics.timingFallback(IngestMetrics.COMPUTE, IngestMetrics.MISSING_TOKENS);
        metrics.timingFallback(IngestMetrics.COMPUTE, IngestMetrics.MISSING_TOKENS);
        metrics.timingFallback(IngestMetrics.COMM, "negative-coefficients");
        assertThat(metrics.count("chainplan.ingest.timing.fallbacks", "part", "compute", "reason", "missing-tokens")).isEqualTo(2);
        assertThat(registry.get("chainplan.ingest.timing.fallbacks").tags("part", "comm", "reason", "negative-coefficients")
                .counter().count()).isEqualTo(1);
    }
}
