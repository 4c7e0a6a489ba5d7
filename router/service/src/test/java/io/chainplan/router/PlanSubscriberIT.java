package io.chainplan.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chainplan.local.EmbeddedKafkaBroker;
import io.chainplan.local.LocalStack;
import io.chainplan.router.dispatch.Dispatcher;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.router.policy.JffcDispatchPolicy;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.PlanChain;
import io.chainplan.schemas.avro.PlanHop;
import io.chainplan.schemas.avro.PlanStatus;
import io.chainplan.schemas.registry.InMemorySchemaRegistry;
import io.chainplan.schemas.serde.AvroSerdes;
import io.chainplan.schemas.serde.DeadLetters;
import io.chainplan.schemas.serde.Topics;
import io.chainplan.schemas.testing.SampleRecords;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PlanSubscriber} against a real in-process KRaft broker. */
class PlanSubscriberIT {
    private static final String MODEL = "llama-2-7b";
    private static final Duration POLL = Duration.ofMillis(100);
    /** Longest wait for a condition: generous, as the machine is often busy (no test depends on its speed). */
    private static final Duration WAIT = Duration.ofMinutes(2);

    @TempDir
    static Path dir;

    private static EmbeddedKafkaBroker broker;
    private static final Topics TOPICS = Topics.defaults();
    private static final InMemorySchemaRegistry REGISTRY = new InMemorySchemaRegistry();

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0);
        LocalStack.createTopics(broker.bootstrapServers(), TOPICS);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static ChainPlan plan(long epoch, PlanStatus status, int capacity) {
        PlanChain chain = new PlanChain(List.of(new PlanHop("s001", 0, 16), new PlanHop("s002", 16, 32)), capacity, 5.05);
        return ChainPlan.newBuilder(SampleRecords.chainPlan()).setEpoch(epoch).setModelId(MODEL).setStatus(status)
                .setReason(status == PlanStatus.OK ? null : "no plan carries the rate").setChains(List.of(chain)).build();
    }

    private static void send(byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(TOPICS.plans(), MODEL.getBytes(StandardCharsets.UTF_8), value)).get();
        }
    }

    private static byte[] bytes(ChainPlan plan) {
        try (Serializer<ChainPlan> s = AvroSerdes.specific(ChainPlan.class, REGISTRY, false).serializer()) {
            return s.serialize(TOPICS.plans(), plan);
        }
    }

    private static void pollUntil(PlanSubscriber sub, BooleanSupplier done) {
        await("the subscriber's condition").atMost(WAIT).pollInSameThread().pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    if (!done.getAsBoolean()) {
                        sub.poll(POLL);
                    }
                    return done.getAsBoolean();
                });
    }

    @Test
    void shouldStartFromTheLatestPlanKeepTheLastGoodOneAndDeadLetterBadRecords() throws Exception {
        send(bytes(plan(1, PlanStatus.OK, 1)));
        send(bytes(plan(2, PlanStatus.OK, 2)));
        Dispatcher dispatcher = Dispatcher.builder(MODEL, new JffcDispatchPolicy()).build();
        List<Long> seen = new ArrayList<>();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        PlanSubscriber.Listener apply = PlanSubscriber.applyingTo(Map.of(MODEL, dispatcher));
        try (PlanSubscriber sub = PlanSubscriber.builder(props, REGISTRY, p -> {
            seen.add(p.epoch());
            apply.onPlan(p);
        }).topics(TOPICS).meterRegistry(meters).build()) {
            pollUntil(sub, () -> !seen.isEmpty());
            assertThat(seen).containsExactly(2L);
            assertThat(dispatcher.currentPlan()).map(RoutingPlan::epoch).contains(2L);

            send("not avro at all".getBytes(StandardCharsets.UTF_8));
            send(bytes(plan(3, PlanStatus.UNSTABLE, 9)));
            send(bytes(plan(1, PlanStatus.OK, 9)));
            send(bytes(plan(4, PlanStatus.OK, 4)));
            pollUntil(sub, () -> seen.size() == 2);
            assertThat(seen).containsExactly(2L, 4L);
            assertThat(sub.latest(MODEL)).map(p -> p.chains().get(0).capacity()).contains(4);
            assertThat(dispatcher.currentPlan()).map(RoutingPlan::epoch).contains(4L);
            assertThat(meters.get("chainplan.router.plans.rejected").tag("stage", "deserialize").counter().count()).isEqualTo(1);
            assertThat(meters.get("chainplan.router.plans.rejected").tag("stage", "validate").counter().count()).isEqualTo(1);
            assertThat(meters.get("chainplan.router.plans.rejected").tag("stage", "stale").counter().count()).isEqualTo(1);
        }
        List<ConsumerRecord<byte[], byte[]>> dead = readAll(TOPICS.deadLetters(), 2);
        assertThat(dead).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.HEADER_STAGE))
                .containsExactly("deserialize", "validate");
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("not avro at all");
        assertThat(DeadLetters.header(dead.get(1).headers(), DeadLetters.HEADER_EXCEPTION_MESSAGE)).contains("UNSTABLE");
    }

    /**
     * Records the configuration of every client it is configured in; {@code interceptor.classes} is a
     * client property, so it reaches exactly the clients that get the client properties.
     */
    public static final class RecordingInterceptor implements ProducerInterceptor<byte[], byte[]>,
            ConsumerInterceptor<byte[], byte[]> {
        static final List<Map<String, Object>> SENT_BY = new CopyOnWriteArrayList<>();
        private Map<String, Object> configs = Map.of();

        @Override
        public void configure(Map<String, ?> configs) {
            this.configs = Map.copyOf(configs);
        }

        @Override
        public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
            SENT_BY.add(configs);
            return record;
        }

        @Override
        public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        }

        @Override
        public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
            return records;
        }

        @Override
        public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void shouldGiveTheDeadLetterProducerTheFullClientProperties() throws Exception {
        Topics topics = Topics.withPrefix("props.");
        LocalStack.createTopics(broker.bootstrapServers(), topics);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topics.plans(), MODEL.getBytes(StandardCharsets.UTF_8),
                    "not a plan".getBytes(StandardCharsets.UTF_8))).get();
        }
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                "interceptor.classes", RecordingInterceptor.class.getName(),
                "chainplan.test.marker", "as-for-sasl-ssl");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (PlanSubscriber sub = PlanSubscriber.builder(props, REGISTRY, p -> { }).topics(topics)
                .meterRegistry(meters).build()) {
            pollUntil(sub, () -> !RecordingInterceptor.SENT_BY.isEmpty());
        }
        assertThat(RecordingInterceptor.SENT_BY).as("the dead letter went through a client with the properties")
                .hasSize(1);
        assertThat(RecordingInterceptor.SENT_BY.get(0)).containsEntry("chainplan.test.marker", "as-for-sasl-ssl")
                .containsEntry("bootstrap.servers", broker.bootstrapServers());
        assertThat(readAll(topics.deadLetters(), 1)).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("not a plan");
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            await(expected + " records on " + topic).atMost(WAIT).pollInSameThread().pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        c.poll(POLL).forEach(out::add);
                        return out.size() >= expected;
                    });
        }
        return out;
    }
}
