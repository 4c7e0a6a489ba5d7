package io.chainplan.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicsTest {
    @Test
    void shouldNameTheDesignTopicsUnderTheDefaultPrefix() {
        Topics t = Topics.defaults();

        assertThat(t.all()).extracting(Topics.Spec::name).containsExactly("chainplan.models",
                "chainplan.accepted-models", "chainplan.telemetry", "chainplan.fleet", "chainplan.requests", "chainplan.server-estimates", "chainplan.demand-estimates", "chainplan.plans",
                "chainplan.leases", "chainplan.dead-letters");
    }

    @Test
    void shouldGiveEachTopicItsCleanupPolicy() {
        Topics t = Topics.withPrefix("x.");

        assertThat(t.all()).extracting(Topics.Spec::cleanup).containsExactly(Topics.Cleanup.COMPACT,
                Topics.Cleanup.COMPACT, Topics.Cleanup.DELETE, Topics.Cleanup.COMPACT, Topics.Cleanup.DELETE, Topics.Cleanup.COMPACT, Topics.Cleanup.COMPACT,
                Topics.Cleanup.KEEP_FOREVER, Topics.Cleanup.COMPACT, Topics.Cleanup.DELETE);
        assertThat(t.plans()).isEqualTo("x.plans");
        assertThat(t.leases()).isEqualTo("x.leases");
        assertThat(Topics.Cleanup.KEEP_FOREVER.configs())
                .containsExactlyInAnyOrderEntriesOf(Map.of("cleanup.policy", "delete", "retention.ms", "-1", "retention.bytes", "-1"));
        assertThat(Topics.Cleanup.COMPACT.configs()).containsExactlyEntriesOf(Map.of("cleanup.policy", "compact"));
    }

    @Test
    void shouldRejectAPrefixKafkaCannotUse() {
        assertThatThrownBy(() -> Topics.withPrefix("a b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"a b\"");
    }
}
