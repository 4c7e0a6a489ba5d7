package io.chainplan.optimizer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.schemas.serde.FailureMode;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class OptimizerConfigTest {
    @Test
    void shouldUseTheDocumentedDefaults() {
        OptimizerConfig c = OptimizerConfig.defaults();
        assertThat(c.replan().minIntervalMillis()).isEqualTo(30_000);
        assertThat(c.replan().rateRelativeThreshold()).isEqualTo(0.2);
        assertThat(c.targetLoad()).isEqualTo(0.7);
        assertThat(c.objective()).isEqualTo("lower-bound");
        assertThat(c.defaultModelId()).isEmpty();
        assertThat(c.transactionalId()).isEqualTo("chainplan-optimizer-optimizer-0");
    }

    @Test
    void shouldReadEveryKey() {
        OptimizerConfig c = OptimizerConfig.from(Map.of(OptimizerConfig.MIN_INTERVAL_MS_CONFIG, "0",
                OptimizerConfig.MOVE_GAIN_CONFIG, "0.1", OptimizerConfig.DEFAULT_MODEL_CONFIG, "m",
                OptimizerConfig.INSTANCE_ID_CONFIG, "b", OptimizerConfig.OBJECTIVE_CONFIG, "Surrogate"));
        assertThat(c.replan().minIntervalMillis()).isZero();
        assertThat(c.replan().moveGainThreshold()).isEqualTo(0.1);
        assertThat(c.defaultModelId()).contains("m");
        assertThat(c.objective()).isEqualTo("surrogate");
        assertThat(c.transactionalId()).endsWith("-b");
    }

    @Test
    void shouldNameTheKeyOfABadValue() {
        assertThatThrownBy(() -> OptimizerConfig.from(Map.of(OptimizerConfig.MAX_AGE_MS_CONFIG, "soon")))
                .hasMessageContaining(OptimizerConfig.MAX_AGE_MS_CONFIG).hasMessageContaining("soon");
        assertThatThrownBy(() -> OptimizerConfig.from(Map.of(OptimizerConfig.TARGET_LOAD_CONFIG, "1.5")))
                .hasMessageContaining(OptimizerConfig.TARGET_LOAD_CONFIG);
    }

    @Test
    void shouldDeadLetterBadInputOfEveryTopicByDefault() {
        OptimizerConfig c = OptimizerConfig.defaults();
        assertThat(c.modelsFailureMode()).isEqualTo(FailureMode.DEAD_LETTER);
        assertThat(c.serversFailureMode()).isEqualTo(FailureMode.DEAD_LETTER);
        assertThat(c.demandFailureMode()).isEqualTo(FailureMode.DEAD_LETTER);
        assertThat(c.metricsPort()).isEqualTo(OptimizerConfig.METRICS_PORT_DEFAULT).isEqualTo(9465);
    }

    @Test
    void shouldReadTheFailureModesAndMetricsPort() {
        OptimizerConfig c = OptimizerConfig.from(Map.of(OptimizerConfig.MODELS_FAILURE_MODE_CONFIG, "FAIL",
                OptimizerConfig.SERVERS_FAILURE_MODE_CONFIG, " log-and-skip ",
                OptimizerConfig.DEMAND_FAILURE_MODE_CONFIG, "dead-letter", OptimizerConfig.METRICS_PORT_CONFIG, "-1"));
        assertThat(c.modelsFailureMode()).isEqualTo(FailureMode.FAIL);
        assertThat(c.serversFailureMode()).isEqualTo(FailureMode.LOG_AND_SKIP);
        assertThat(c.demandFailureMode()).isEqualTo(FailureMode.DEAD_LETTER);
        assertThat(c.metricsPort()).isEqualTo(-1);
        assertThat(c.withInstanceId("z").modelsFailureMode()).isEqualTo(FailureMode.FAIL);
        assertThat(c.withInstanceId("z").metricsPort()).isEqualTo(-1);
    }

    @Test
    void shouldNameTheKeyOfABadFailureModeOrPort() {
        assertThatThrownBy(() -> OptimizerConfig.from(Map.of(OptimizerConfig.DEMAND_FAILURE_MODE_CONFIG, "ignore")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(OptimizerConfig.DEMAND_FAILURE_MODE_CONFIG).hasMessageContaining("ignore");
        assertThatThrownBy(() -> OptimizerConfig.from(Map.of(OptimizerConfig.METRICS_PORT_CONFIG, "70000")))
                .hasMessageContaining(OptimizerConfig.METRICS_PORT_CONFIG).hasMessageContaining("70000");
        assertThatThrownBy(() -> OptimizerConfig.from(Map.of(OptimizerConfig.METRICS_PORT_CONFIG, "-2")))
                .hasMessageContaining(OptimizerConfig.METRICS_PORT_CONFIG);
    }

    @Test
    void shouldSpellFailureModesAsInTheConfig() {
        for (FailureMode m : FailureMode.values()) {
            assertThat(FailureMode.parse("k", m.configValue())).isEqualTo(m);
        }
        assertThat(FailureMode.LOG_AND_SKIP.configValue()).isEqualTo("log-and-skip");
    }

    @Test
    void shouldDocumentEveryKey() throws Exception {
        java.util.Set<String> keys = new java.util.TreeSet<>();
        for (java.lang.reflect.Field f : OptimizerConfig.class.getFields()) {
            if (f.getName().endsWith("_CONFIG")) {
                keys.add((String) f.get(null));
                String doc = f.getName().replaceAll("_CONFIG$", "_DOC");
                assertThat(OptimizerConfig.class.getField(doc).get(null)).as(doc).asString().isNotBlank();
            }
        }
        assertThat(OptimizerConfig.documentation().keySet()).containsExactlyElementsOf(keys);
    }

    @Test
    void shouldKeepTheConstructorOfCallersWrittenBeforeTheFailureModes() {
        OptimizerConfig d = OptimizerConfig.defaults();
        OptimizerConfig old = new OptimizerConfig(d.instanceId(), d.groupId(), d.replan(), d.targetLoad(),
                d.objective(), d.defaultModelId(), d.minRatePerSecond(), d.pollTimeout(), d.commitInterval(),
                d.transactionTimeout());
        assertThat(old).isEqualTo(d);
    }

    @Test
    void shouldRefuseAnUnknownOptimizerKeyAndSuggestTheKnownOne() {
        assertThatThrownBy(() -> OptimizerConfig.from(Map.of("chainplan.optimizer.min.intervall.ms", "5000")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown configuration key chainplan.optimizer.min.intervall.ms "
                        + "(did you mean chainplan.optimizer.min.interval.ms?)");
        assertThat(OptimizerConfig.from(Map.of("chainplan.ingest.demand.window.ms", "1", "acks", "all")))
                .isEqualTo(OptimizerConfig.defaults());
    }

    @Test
    void shouldRefuseIntegersThatDoNotFitInsteadOfTruncatingThem() {
        assertThatThrownBy(() -> OptimizerConfig.from(Map.of(OptimizerConfig.METRICS_PORT_CONFIG, "4294967328")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value 4294967328 for configuration chainplan.optimizer.metrics.port: "
                        + "Not a number of type INT");
        assertThatThrownBy(() -> OptimizerConfig.from(Map.of(OptimizerConfig.POLL_MS_CONFIG, "2.5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("Not a number of type LONG");
    }

    @Test
    void shouldKeepTheTransactionTimeoutWithinWhatTheBrokerAccepts() {
        assertThatThrownBy(() -> OptimizerConfig.from(Map.of(OptimizerConfig.TRANSACTION_TIMEOUT_MS_CONFIG, "3000000000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("3000000000");
        assertThatThrownBy(() -> OptimizerConfig.from(Map.of(OptimizerConfig.TRANSACTION_TIMEOUT_MS_CONFIG, "900001")))
                .hasMessage("Invalid value 900001 for configuration chainplan.optimizer.transaction.timeout.ms: "
                        + "Value must be no more than 900000");
        assertThat(OptimizerConfig.from(Map.of(OptimizerConfig.TRANSACTION_TIMEOUT_MS_CONFIG, "900000"))
                .transactionTimeout()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void shouldRefuseValuesOutsideTheirRange() {
        assertThatThrownBy(() -> OptimizerConfig.from(Map.of(OptimizerConfig.MOVE_GAIN_CONFIG, "1")))
                .hasMessage("Invalid value 1.0 for configuration chainplan.optimizer.move.gain.threshold: Value must be in [0, 1)");
        assertThatThrownBy(() -> OptimizerConfig.from(Map.of(OptimizerConfig.MIN_RATE_CONFIG, "NaN")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(OptimizerConfig.MIN_RATE_CONFIG);
        assertThatThrownBy(() -> OptimizerConfig.from(Map.of(OptimizerConfig.INSTANCE_ID_CONFIG, " ")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(OptimizerConfig.INSTANCE_ID_CONFIG);
    }

    @Test
    void shouldHoldSettingsMadeInCodeToTheRulesOfTheirKeys() {
        OptimizerConfig d = OptimizerConfig.defaults();
        assertThatThrownBy(() -> new OptimizerConfig(d.instanceId(), d.groupId(), d.replan(), 1.0, d.objective(),
                d.defaultModelId(), d.minRatePerSecond(), d.pollTimeout(), d.commitInterval(), d.transactionTimeout()))
                .isInstanceOf(ConfigException.class).hasMessageContaining(OptimizerConfig.TARGET_LOAD_CONFIG);
        assertThatThrownBy(() -> new OptimizerConfig(d.instanceId(), d.groupId(), d.replan(), d.targetLoad(),
                d.objective(), d.defaultModelId(), d.minRatePerSecond(), d.pollTimeout(), d.commitInterval(),
                Duration.ofMillis(3_000_000_000L)))
                .isInstanceOf(ConfigException.class).hasMessageContaining(OptimizerConfig.TRANSACTION_TIMEOUT_MS_CONFIG);
    }
}
