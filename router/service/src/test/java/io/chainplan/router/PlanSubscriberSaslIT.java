package io.chainplan.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chainplan.local.EmbeddedKafkaBroker;
import io.chainplan.local.LocalStack;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.PlanChain;
import io.chainplan.schemas.avro.PlanHop;
import io.chainplan.schemas.avro.PlanStatus;
import io.chainplan.schemas.registry.InMemorySchemaRegistry;
import io.chainplan.schemas.serde.AvroSerdes;
import io.chainplan.schemas.serde.Topics;
import io.chainplan.schemas.testing.SampleRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link PlanSubscriber} on a SASL_PLAINTEXT listener of the in-process broker (mechanism PLAIN): with
 * the right credentials it applies plans and dead-letters a bad record (consumer and dead-letter
 * producer both authenticate); with a wrong password its thread stops at once with one clear reason,
 * tells the listener once, and {@link PlanSubscriber#poll} throws that reason (issue 13).
 */
class PlanSubscriberSaslIT {
    private static final String USER = "router";
    private static final String MODEL = "llama-2-7b";
    /** Longest wait for a condition: generous, as the machine is often busy (no test depends on its speed). */
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final Topics TOPICS = Topics.defaults();
    private static final InMemorySchemaRegistry REGISTRY = new InMemorySchemaRegistry();
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.startWithSaslPlain(Files.createTempDirectory("plan-subscriber-sasl-it"),
                Map.of(USER, "right"));
        LocalStack.createTopics(broker.bootstrapServers(), TOPICS);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static Map<String, Object> sasl(String password) {
        return new HashMap<>(broker.saslPlainClient(USER, password));
    }

    /** Writes through the PLAINTEXT listener: the test's own set-up, not the component under test. */
    private static void send(byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(TOPICS.plans(), MODEL.getBytes(StandardCharsets.UTF_8), value)).get();
        }
    }

    private static byte[] plan(long epoch) {
        PlanChain chain = new PlanChain(List.of(new PlanHop("s001", 0, 16), new PlanHop("s002", 16, 32)), 2, 5.05);
        ChainPlan p = ChainPlan.newBuilder(SampleRecords.chainPlan()).setEpoch(epoch).setModelId(MODEL)
                .setStatus(PlanStatus.OK).setReason(null).setChains(List.of(chain)).build();
        try (Serializer<ChainPlan> s = AvroSerdes.specific(ChainPlan.class, REGISTRY, false).serializer()) {
            return s.serialize(TOPICS.plans(), p);
        }
    }

    @Test
    void shouldApplyPlansAndDeadLetterWithTheRightCredentials() throws Exception {
        send(plan(1));
        List<Long> seen = new CopyOnWriteArrayList<>();
        try (PlanSubscriber sub = PlanSubscriber.builder(sasl("right"), REGISTRY, p -> seen.add(p.epoch()))
                .topics(TOPICS).build()) {
            sub.start();
            await("the plan in the topic").atMost(WAIT).until(() -> seen.contains(1L));
            send("not a plan".getBytes(StandardCharsets.UTF_8));
            send(plan(2));
            await("the next plan").atMost(WAIT).until(() -> seen.contains(2L));
            assertThat(sub.failure()).isEmpty();
        }
        assertThat(seen).containsExactly(1L, 2L);
        assertThat(deadLetters()).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).contains("not a plan");
    }

    @Test
    void shouldStopOnceWithAClearReasonOnAWrongPassword() {
        List<IllegalStateException> stopped = new CopyOnWriteArrayList<>();
        PlanSubscriber.Listener listener = new PlanSubscriber.Listener() {
            @Override
            public void onPlan(io.chainplan.router.dispatch.RoutingPlan plan) {
                throw new AssertionError("no plan can be read with a wrong password");
            }

            @Override
            public void onStopped(IllegalStateException failure) {
                stopped.add(failure);
            }
        };
        try (PlanSubscriber sub = PlanSubscriber.builder(sasl("wrong"), REGISTRY, listener).topics(TOPICS).build()) {
            sub.start();
            await("the subscriber stops").atMost(WAIT).until(() -> sub.failure().isPresent());
            assertThat(sub.failure().get()).hasMessageStartingWith("the Kafka cluster refused the credentials")
                    .hasMessageContaining("sasl.jaas.config");
        }
        assertThat(stopped).as("told once, not retried").hasSize(1);

        try (PlanSubscriber sub = PlanSubscriber.builder(sasl("wrong"), REGISTRY, listener).topics(TOPICS).build()) {
            assertThatThrownBy(() -> sub.poll(Duration.ofMillis(100))).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("the Kafka cluster refused the credentials");
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> deadLetters() {
        String topic = TOPICS.deadLetters();
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            await("a dead letter on " + topic).atMost(WAIT).pollInSameThread().until(() -> {
                c.poll(Duration.ofMillis(100)).forEach(out::add);
                return !out.isEmpty();
            });
        }
        return out;
    }
}
