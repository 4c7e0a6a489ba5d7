package io.chainplan.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.ingest.topology.IngestSettings;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.serde.FailureMode;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class IngestConfigTest {
    @Test
    void shouldDefaultToExactlyOnceAndTheDocumentedSettings() {
        IngestConfig c = IngestConfig.of(ClientConfig.of(Map.of()));
        Properties p = c.streamsProperties();
        assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(p.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo(IngestConfig.DEFAULT_APPLICATION_ID);
        assertThat(p.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)).isEqualTo("localhost:9092");
        assertThat(p).doesNotContainKey("schema.registry.url");
        assertThat(c.settings()).isEqualTo(IngestSettings.defaults());
        assertThat(c.metricsPort()).isEqualTo(IngestConfig.METRICS_PORT_DEFAULT);
    }

    @Test
    void shouldReadIngestKeysAndLetStreamsKeysThrough() {
        IngestConfig c = IngestConfig.of(ClientConfig.of(Map.of(
                IngestConfig.DEMAND_WINDOW_MS_CONFIG, "30000",
                IngestConfig.DEMAND_STEP_MS_CONFIG, "2000",
                IngestConfig.MEMORY_RESERVE_BYTES_CONFIG, "0",
                IngestConfig.GPU_METRICS_TOPIC_CONFIG, "dcgm",
                IngestConfig.GPU_METRICS_SERVER_LABELS_CONFIG, " Hostname , GPU_I_ID ",
                IngestConfig.FAILURE_MODE_CONFIG, "log-and-skip",
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE)));
        IngestSettings s = c.settings();
        assertThat(s.demand().windowMillis()).isEqualTo(30_000);
        assertThat(s.demand().stepMillis()).isEqualTo(2_000);
        assertThat(s.memoryReserveBytes()).isZero();
        assertThat(s.gpuMetricsTopic()).isEqualTo("dcgm");
        assertThat(s.gpuServerLabels()).isEqualTo(List.of("Hostname", "GPU_I_ID"));
        assertThat(s.failureMode()).isEqualTo(FailureMode.LOG_AND_SKIP);
        assertThat(c.streamsProperties().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.AT_LEAST_ONCE);
    }

    @Test
    void shouldNameTheKeyOfABadValue() {
        assertThatThrownBy(() -> IngestConfig.of(ClientConfig.of(Map.of(IngestConfig.DEMAND_WINDOW_MS_CONFIG, "soon"))).settings())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chainplan.ingest.demand.window.ms")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> IngestConfig.of(ClientConfig.of(Map.of(IngestConfig.DEMAND_STEP_MS_CONFIG, "7000"))).settings())
                .hasMessageContaining("windowMillis must be a positive multiple of stepMillis 7000");
        assertThatThrownBy(() -> IngestConfig.of(ClientConfig.of(Map.of(IngestConfig.FAILURE_MODE_CONFIG, "ignore"))).settings())
                .hasMessageContaining("chainplan.ingest.failure.handling.mode");
        assertThatThrownBy(() -> IngestConfig.of(ClientConfig.of(Map.of(IngestConfig.METRICS_PORT_CONFIG, "70000"))).metricsPort())
                .hasMessageContaining("chainplan.ingest.metrics.port must be -1 or in [0, 65535], was 70000");
    }
}
