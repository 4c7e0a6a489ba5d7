package io.chainplan.router.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class DispatchConfigTest {
    @Test
    void shouldDefaultEveryKey() {
        DispatchConfig c = DispatchConfig.defaults();
        assertThat(c.httpPort()).isEqualTo(DispatchConfig.HTTP_PORT_DEFAULT);
        assertThat(c.leaseTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.dispatchPolicy().name()).isEqualTo("jffc");
        assertThat(c.clientIdPrefix()).isEqualTo("chainplan-dispatch-dispatch-0");
        assertThat(c.confirmTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void shouldTakeTheConfirmationTimeoutAndRefuseANonPositiveOne() {
        assertThat(DispatchConfig.from(Map.of(DispatchConfig.CONFIRM_TIMEOUT_MS_CONFIG, "2500")).confirmTimeout())
                .isEqualTo(Duration.ofMillis(2500));
        assertThatThrownBy(() -> DispatchConfig.from(Map.of(DispatchConfig.CONFIRM_TIMEOUT_MS_CONFIG, "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(DispatchConfig.CONFIRM_TIMEOUT_MS_CONFIG);
    }

    @Test
    void shouldRefuseUnknownKeysWithASuggestionAndBadValuesNamingTheKey() {
        assertThatThrownBy(() -> DispatchConfig.from(Map.of("chainplan.dispatch.lease.tll.ms", "5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("chainplan.dispatch.lease.ttl.ms");
        assertThatThrownBy(() -> DispatchConfig.from(Map.of(DispatchConfig.HTTP_PORT_CONFIG, "70000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(DispatchConfig.HTTP_PORT_CONFIG);
        assertThatThrownBy(() -> DispatchConfig.from(Map.of(DispatchConfig.POLICY_CONFIG, "fifo")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(DispatchConfig.POLICY_CONFIG);
        assertThat(DispatchConfig.from(Map.of("bootstrap.servers", "x:1")).httpPort()).as("other keys are ignored")
                .isEqualTo(DispatchConfig.HTTP_PORT_DEFAULT);
    }
}
