package io.chainplan.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.registry.RestSchemaRegistryClient;
import io.chainplan.schemas.serde.AvroSerdes;
import io.chainplan.schemas.serde.Topics;
import io.chainplan.schemas.testing.SampleRecords;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackIT {
    /** Longest wait for a condition: generous, as the machine is often busy (no test depends on its speed). */
    private static final Duration WAIT = Duration.ofMinutes(2);
    @TempDir
    Path dir;

    @Test
    void shouldCreateEveryTopicWithItsCleanupPolicy() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalStack.Settings.ephemeral(dir));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            Topics t = stack.topics();

            assertThat(admin.listTopics().names().get()).containsAll(t.all().stream().map(Topics.Spec::name).toList())
                    .contains("_schemas");
            assertThat(config(admin, t.plans()).get("cleanup.policy").value()).isEqualTo("delete");
            assertThat(config(admin, t.plans()).get("retention.ms").value()).isEqualTo("-1");
            assertThat(config(admin, t.models()).get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(config(admin, t.serverEstimates()).get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(config(admin, t.demandEstimates()).get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(config(admin, t.telemetry()).get("cleanup.policy").value()).isEqualTo("delete");
            assertThat(config(admin, "_schemas").get("cleanup.policy").value()).isEqualTo("compact");
        }
    }

    @Test
    void shouldReadOldMessagesAfterRestartWithIdsRecoveredFromTheSchemasTopic() {
        int planId;
        String plans;
        try (LocalStack stack = LocalStack.start(LocalStack.Settings.ephemeral(dir))) {
            plans = stack.topics().plans();
            RestSchemaRegistryClient registry = stack.schemaRegistryClient();
            produce(stack, plans, AvroSerdes.specific(ChainPlan.class, registry, false), SampleRecords.chainPlan());
            planId = registry.latest(plans + "-value").orElseThrow().id();

            assertThat(consume(stack, plans, AvroSerdes.specific(ChainPlan.class, registry, false), 1))
                    .containsExactly(SampleRecords.chainPlan());
        }

        try (LocalStack restarted = LocalStack.start(LocalStack.Settings.ephemeral(dir))) {
            RestSchemaRegistryClient fresh = restarted.schemaRegistryClient();

            assertThat(consume(restarted, plans, AvroSerdes.specific(ChainPlan.class, fresh, false), 1))
                    .containsExactly(SampleRecords.chainPlan());
            assertThat(fresh.register(plans + "-value", ChainPlan.getClassSchema())).isEqualTo(planId);
            assertThat(fresh.register("other-value", ModelSpec.getClassSchema())).isGreaterThan(planId);
            assertThat(fresh.latest(plans + "-value").orElseThrow().version()).isEqualTo(1);
        }
    }

    @Test
    void shouldStartEmptyWhenFresh() {
        try (LocalStack stack = LocalStack.start(LocalStack.Settings.ephemeral(dir))) {
            stack.schemaRegistryClient().register("x-value", ModelSpec.getClassSchema());
        }

        try (LocalStack fresh = LocalStack.start(new LocalStack.Settings(dir, 0, 0, true, Topics.defaults()))) {
            assertThat(fresh.schemaRegistryClient().subjects()).isEmpty();
        }
    }

    @Test
    void shouldRefuseARegistryPortInUseBeforeStartingAnything() {
        try (LocalStack stack = LocalStack.start(LocalStack.Settings.ephemeral(dir.resolve("a")))) {
            int taken = stack.registry().port();

            assertThatThrownBy(() -> LocalStack.start(new LocalStack.Settings(dir.resolve("b"), 0, taken, false, Topics.defaults())))
                    .isInstanceOf(LocalStackException.class)
                    .hasMessageStartingWith("schema registry port " + taken + " is already in use");
        }
    }

    private static Config config(Admin admin, String topic) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(r)).all().get().get(r);
    }

    static <T> void produce(LocalStack stack, String topic, Serde<T> serde, T value) {
        Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        try (KafkaProducer<String, T> producer = new KafkaProducer<>(p, new StringSerializer(), serde.serializer())) {
            producer.send(new ProducerRecord<>(topic, "k", value));
        }
    }

    static <T> List<T> consume(LocalStack stack, String topic, Serde<T> serde, int expected) {
        Map<String, Object> c = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "g-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<T> out = new ArrayList<>();
        try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(c, new StringDeserializer(), serde.deserializer())) {
            consumer.subscribe(List.of(topic));
            await(expected + " records on " + topic).atMost(WAIT).pollInSameThread().pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
                        return out.size() >= expected;
                    });
        }
        return out;
    }
}
