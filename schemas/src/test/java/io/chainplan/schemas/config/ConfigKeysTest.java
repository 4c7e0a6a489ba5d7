package io.chainplan.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ConfigKeysTest {
    private static final List<String> KNOWN = List.of("chainplan.optimizer.min.interval.ms", "chainplan.optimizer.max.age.ms",
            "chainplan.ingest.demand.window.ms");

    @Test
    void shouldSuggestTheKnownKeyAFewEditsAway() {
        assertThatThrownBy(() -> ConfigKeys.requireKnown(Map.of("chainplan.optimizer.min.intervall.ms", "5000"),
                ConfigKeys::isChainplanKey, KNOWN))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown configuration key chainplan.optimizer.min.intervall.ms "
                        + "(did you mean chainplan.optimizer.min.interval.ms?)");
    }

    @Test
    void shouldNameEveryUnknownKeyInOrderAndSuggestOnlyCloseOnes() {
        assertThatThrownBy(() -> ConfigKeys.requireKnown(Map.of("chainplan.ingest.demand.windw.ms", "1",
                "chainplan.bogus", "2"), ConfigKeys::isChainplanKey, KNOWN))
                .hasMessage("unknown configuration keys chainplan.bogus, "
                        + "chainplan.ingest.demand.windw.ms (did you mean chainplan.ingest.demand.window.ms?)");
    }

    @Test
    void shouldNeverCheckKeysChainplanDoesNotOwn() {
        ConfigKeys.requireKnown(Map.of("acks", "all", "sasl.jaas.config", "x", "topic.retention.ms", "1",
                "chainplan.optimizer.min.interval.ms", "0"), ConfigKeys::isChainplanKey, KNOWN);

        assertThat(ConfigKeys.isChainplanKey("schema.registry.url")).isTrue();
        assertThat(ConfigKeys.isChainplanKey("topic.prefix")).isTrue();
        assertThat(ConfigKeys.isChainplanKey("topic.prefixes")).isTrue();
        assertThat(ConfigKeys.isChainplanKey("topic.prefx")).isTrue();
        assertThat(ConfigKeys.isChainplanKey("topic.retention.ms")).isFalse();
        assertThat(ConfigKeys.isChainplanKey("ssl.truststore.location")).isFalse();
    }

    @Test
    void shouldBreakTiesBetweenSuggestionsByKeyOrder() {
        assertThat(ConfigKeys.closest("chainplan.b", List.of("chainplan.c", "chainplan.a"))).hasValue("chainplan.a");
        assertThat(ConfigKeys.closest("chainplan.optimizer.objective", KNOWN)).isEmpty();
    }
}
