package io.chainplan.optimizer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
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
}
