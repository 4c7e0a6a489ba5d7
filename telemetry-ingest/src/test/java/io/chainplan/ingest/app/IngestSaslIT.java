package io.chainplan.ingest.app;

import static io.chainplan.ingest.testing.Events.arrived;
import static io.chainplan.ingest.testing.Events.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chainplan.local.LocalStack;
import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * telemetry-ingest on a SASL_PLAINTEXT listener of the in-process broker (mechanism PLAIN), under
 * exactly-once: with the right credentials it counts the events and emits demand estimates; with a
 * wrong password it shuts its Streams client down at once with one clear reason, instead of
 * replacing stream threads in a loop (issue 13).
 */
class IngestSaslIT {
    private static final String USER = "ingest";
    private static final String MODEL = "llama-sasl";
    private static final long STEP = 5_000;
    /** Longest wait for a condition: generous, as the machine is often busy (no test depends on its speed). */
    private static final Duration WAIT = Duration.ofMinutes(2);
    @TempDir
    static Path dir;
    private static LocalStack stack;
    private static SchemaRegistry registry;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.startWithSaslPlain(LocalStack.Settings.ephemeral(dir), Map.of(USER, "right"));
        registry = stack.schemaRegistryClient();
    }

    @AfterAll
    static void stopStack() {
        stack.close();
    }

    private static IngestConfig config(String password, String appId) {
        return IngestConfig.of(stack.saslClientConfig(USER, password)
                .with(StreamsConfig.APPLICATION_ID_CONFIG, appId)
                .with(StreamsConfig.STATE_DIR_CONFIG, dir.resolve(appId).toString())
                .with(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100")
                .with(IngestConfig.METRICS_PORT_CONFIG, "-1")
                .with(IngestConfig.EMIT_HEARTBEAT_MS_CONFIG, Long.toString(STEP)));
    }

    private static byte[] avro(String topic, SpecificRecord value) {
        @SuppressWarnings("unchecked")
        Class<SpecificRecord> type = (Class<SpecificRecord>) value.getClass();
        return Topics.valueSerde(type, registry).serializer().serialize(topic, value);
    }

    @Test
    void shouldCountEventsAndEmitEstimatesWithTheRightCredentials() throws Exception {
        Topics topics = stack.topics();
        long base = (System.currentTimeMillis() - 600_000) / STEP * STEP;
        int events = 0;
        // the test's own set-up writes through the PLAINTEXT listener
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            byte[] key = MODEL.getBytes(StandardCharsets.UTF_8);
            p.send(new ProducerRecord<>(topics.models(), key, avro(topics.models(), model(MODEL, 32))));
            for (long t = base; t < base + 30_000; t += 500) {
                p.send(new ProducerRecord<>(topics.requests(), key, avro(topics.requests(), arrived(MODEL, "r" + t, t, 100))));
                events++;
            }
        }
        int sent = events;
        try (IngestApp app = IngestApp.start(config("right", "ingest-sasl-right"), registry)) {
            assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
            await("every event counted").atMost(WAIT).until(() -> app.metrics().count("chainplan.ingest.records.in",
                    "topic", topics.requests()) >= sent);
            assertThat(app.failure()).isEmpty();
        }
        var deserializer = Topics.valueSerde(DemandEstimate.class, registry).deserializer();
        assertThat(readSome(topics.demandEstimates())).extracting(r -> deserializer.deserialize(r.topic(), r.value()))
                .isNotEmpty().allSatisfy(e -> assertThat(e.getModelId()).isEqualTo(MODEL))
                .anySatisfy(e -> assertThat(e.getArrivals()).isPositive());
    }

    @Test
    void shouldStopAtOnceWithAClearReasonOnAWrongPassword() {
        // start-up waits for the global model store, whose consumer is the first to be refused: the
        // client is shut down, no stream thread is started (let alone replaced in a loop)
        assertThatThrownBy(() -> IngestApp.start(config("wrong", "ingest-sasl-wrong"), registry))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the Kafka cluster refused the credentials")
                .hasMessageContaining("sasl.jaas.config");
    }

    private static List<ConsumerRecord<String, byte[]>> readSome(String topic) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            await("records on " + topic).atMost(WAIT).pollInSameThread().until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
                return !out.isEmpty();
            });
        }
        return out;
    }
}
