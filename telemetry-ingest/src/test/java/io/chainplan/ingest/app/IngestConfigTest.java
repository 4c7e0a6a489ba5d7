package io.chainplan.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.ingest.estimate.TimingPrior;
import io.chainplan.ingest.topology.IngestSettings;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.serde.FailureMode;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
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
                IngestConfig.BURSTINESS_HISTORY_MS_CONFIG, "300000",
                IngestConfig.TIMING_PRIOR_SAMPLES_CONFIG, "2.5",
                IngestConfig.TIMING_PRIOR_PREFILL_SHARE_CONFIG, "0.5",
                IngestConfig.MEMORY_RESERVE_BYTES_CONFIG, "0",
                IngestConfig.GPU_METRICS_TOPIC_CONFIG, "dcgm",
                IngestConfig.GPU_METRICS_SERVER_LABELS_CONFIG, " Hostname , GPU_I_ID ",
                IngestConfig.FAILURE_MODE_CONFIG, "log-and-skip",
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE)));
        IngestSettings s = c.settings();
        assertThat(s.demand().windowMillis()).isEqualTo(30_000);
        assertThat(s.demand().stepMillis()).isEqualTo(2_000);
        assertThat(s.demand().burstinessHistoryBuckets()).isEqualTo(150);
        assertThat(s.timingPrior()).isEqualTo(new TimingPrior(2.5, 0.001, 0.5));
        assertThat(s.memoryReserveBytes()).isZero();
        assertThat(s.gpuMetricsTopic()).isEqualTo("dcgm");
        assertThat(s.gpuServerLabels()).isEqualTo(List.of("Hostname", "GPU_I_ID"));
        assertThat(s.failureMode()).isEqualTo(FailureMode.LOG_AND_SKIP);
        assertThat(c.streamsProperties().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.AT_LEAST_ONCE);
    }

    @Test
    void shouldNameTheKeyOfABadValue() {
        assertThatThrownBy(() -> IngestConfig.of(ClientConfig.of(Map.of(IngestConfig.DEMAND_WINDOW_MS_CONFIG, "soon"))).settings())
                .isInstanceOf(ConfigException.class).hasMessageContaining("chainplan.ingest.demand.window.ms")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> IngestConfig.of(ClientConfig.of(Map.of(IngestConfig.DEMAND_STEP_MS_CONFIG, "7000"))).settings())
                .hasMessageContaining("windowMillis must be a positive multiple of stepMillis 7000")
                .hasMessageContaining("chainplan.ingest.demand.window.ms=60000 and chainplan.ingest.demand.step.ms=7000");
        assertThatThrownBy(() -> IngestConfig.of(ClientConfig.of(Map.of(IngestConfig.BURSTINESS_HISTORY_MS_CONFIG, "601000")))
                .settings())
                .hasMessageContaining("chainplan.ingest.burstiness.history.ms=601000 and chainplan.ingest.demand.step.ms=5000")
                .hasMessageContaining("burstinessHistoryMillis must be a positive multiple of stepMillis 5000");
        assertThatThrownBy(() -> IngestConfig.of(ClientConfig.of(Map.of(IngestConfig.TIMING_PRIOR_PREFILL_SHARE_CONFIG, "1.5"))))
                .hasMessageContaining("chainplan.ingest.timing.prior.prefill.share");
        assertThatThrownBy(() -> IngestConfig.of(ClientConfig.of(Map.of(IngestConfig.TIMING_PRIOR_PREFILL_SHARE_CONFIG, "NaN"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("chainplan.ingest.timing.prior.prefill.share")
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> IngestConfig.of(ClientConfig.of(Map.of(IngestConfig.TIMING_PRIOR_SAMPLES_CONFIG, "0"))))
                .hasMessageContaining("chainplan.ingest.timing.prior.samples");
        assertThatThrownBy(() -> IngestConfig.of(ClientConfig.of(Map.of(IngestConfig.FAILURE_MODE_CONFIG, "ignore"))).settings())
                .hasMessageContaining("chainplan.ingest.failure.handling.mode");
        assertThatThrownBy(() -> IngestConfig.of(ClientConfig.of(Map.of(IngestConfig.METRICS_PORT_CONFIG, "70000"))).metricsPort())
                .hasMessage("Invalid value 70000 for configuration chainplan.ingest.metrics.port: Value must be no more than 65535");
    }

    @Test
    void shouldRefuseIntegersThatDoNotFitInsteadOfTruncatingThem() {
        // 4294967328 = 2^32 + 32: the old (int) cast read it as 32
        assertThatThrownBy(() -> of(IngestConfig.DEMAND_HORIZON_WINDOWS_CONFIG, "4294967328"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value 4294967328 for configuration chainplan.ingest.demand.horizon.windows: "
                        + "Not a number of type INT");
        assertThatThrownBy(() -> of(IngestConfig.TIMING_WINDOW_SAMPLES_CONFIG, "2.5"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("2.5").hasMessageContaining("INT");
        assertThatThrownBy(() -> of(IngestConfig.MEMORY_RESERVE_BYTES_CONFIG, "1e9"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("Not a number of type LONG");
    }

    @Test
    void shouldRefuseValuesOutsideTheirRange() {
        assertThatThrownBy(() -> of(IngestConfig.DEMAND_GRACE_MS_CONFIG, "-1"))
                .hasMessage("Invalid value -1 for configuration chainplan.ingest.demand.grace.ms: Value must be at least 0");
        assertThatThrownBy(() -> of(IngestConfig.EMIT_RELATIVE_CHANGE_CONFIG, "NaN"))
                .isInstanceOf(ConfigException.class).hasMessageContaining(IngestConfig.EMIT_RELATIVE_CHANGE_CONFIG);
        assertThatThrownBy(() -> of(IngestConfig.GPU_METRICS_SERVER_LABELS_CONFIG, " , "))
                .isInstanceOf(ConfigException.class).hasMessageContaining(IngestConfig.GPU_METRICS_SERVER_LABELS_CONFIG);
    }

    @Test
    void shouldRefuseAnUnknownIngestKeyAndSuggestTheKnownOne() {
        assertThatThrownBy(() -> of("chainplan.ingest.demand.windw.ms", "30000"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown configuration key chainplan.ingest.demand.windw.ms "
                        + "(did you mean chainplan.ingest.demand.window.ms?)");
        assertThat(of("chainplan.optimizer.min.interval.ms", "0").settings()).isEqualTo(IngestSettings.defaults());
    }

    @Test
    void shouldDefineEveryKeyWithItsDocAndTheSettingsDefaults() throws Exception {
        ConfigDef def = IngestConfig.configDef();
        java.util.Set<String> keys = new java.util.TreeSet<>();
        for (java.lang.reflect.Field f : IngestConfig.class.getFields()) {
            if (f.getName().endsWith("_CONFIG")) {
                String key = (String) f.get(null);
                keys.add(key);
                String doc = (String) IngestConfig.class.getField(f.getName().replaceAll("_CONFIG$", "_DOC")).get(null);
                assertThat(def.configKeys().get(key).documentation).as(key).isEqualTo(doc).isNotBlank();
            }
        }
        assertThat(def.names()).containsExactlyInAnyOrderElementsOf(keys).allMatch(k -> k.startsWith(IngestConfig.PREFIX));
        assertThat(IngestConfig.of(ClientConfig.of(Map.of())).settings()).isEqualTo(IngestSettings.defaults());
    }

    private static IngestConfig of(String key, String value) {
        return IngestConfig.of(ClientConfig.of(Map.of(key, value)));
    }
}
