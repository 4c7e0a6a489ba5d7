package io.chainplan.ingest.topology;

import static io.chainplan.ingest.testing.Events.arrived;
import static io.chainplan.ingest.testing.Events.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.ingest.testing.RecordingIngestMetrics;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.registry.SchemaRegistryException;
import io.chainplan.schemas.serde.RegistryUnavailableException;
import io.chainplan.schemas.serde.Topics;
import io.chainplan.schemas.serde.FreshSchemaIds;
import io.chainplan.schemas.testing.SwitchableRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A good record whose writer schema the registry cannot serve now is never dead-lettered or
 * counted as bad: a stream task fails on it (so Kafka Streams does not commit past it and the
 * record is processed again), and the global model store waits for the registry.
 */
class RegistryOutageTopologyTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final long T0 = 1_700_000_000_000L;
    private static final String MODEL = "llama-2-7b";

    private final SwitchableRegistry registry = new SwitchableRegistry();
    private final RecordingIngestMetrics metrics = new RecordingIngestMetrics();
    private final List<ProducerRecord<byte[], byte[]>> modelDeadLetters = new ArrayList<>();
    private final List<String> waits = new ArrayList<>();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> requests;
    private TestInputTopic<byte[], byte[]> models;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "registry-outage-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandlers.Processing.class);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandlers.Deserialization.class);
        props.put(DeadLetterExceptionHandlers.DEAD_LETTER_TOPIC_CONFIG, TOPICS.deadLetters());
        // The global store "waits" by asking whether to go on; the test brings the registry back then.
        driver = new TopologyTestDriver(IngestTopology.build(TOPICS, registry, IngestSettings.defaults(), metrics,
                r -> {
                    if (r.topic().equals(TOPICS.deadLetters())) {
                        modelDeadLetters.add(r);
                    }
                }, () -> {
                    waits.add("waited");
                    registry.up();
                    return true;
                }), props, Instant.ofEpochMilli(T0));
        ByteArraySerializer bytes = new ByteArraySerializer();
        requests = driver.createInputTopic(TOPICS.requests(), bytes, bytes);
        models = driver.createInputTopic(TOPICS.models(), bytes, bytes);
        deadLetters = driver.createOutputTopic(TOPICS.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        models.pipeInput(utf8(MODEL), Topics.valueSerde(ModelSpec.class, registry.inner()).serializer()
                .serialize(TOPICS.models(), model(MODEL, 32)), T0 - 60_000);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldFailTheTaskInsteadOfDeadLetteringAGoodRequestAndProcessItOnceTheRegistryIsBack() {
        int id = FreshSchemaIds.register(registry.inner(), TOPICS.requests(), RequestEvent.getClassSchema(), "outage test");
        byte[] good = FreshSchemaIds.encode(id, arrived(MODEL, "r1", T0, 100));
        registry.failWith(SchemaRegistryException.NO_RESPONSE);

        assertThatThrownBy(() -> requests.pipeInput(utf8(MODEL), good, T0))
                .satisfies(e -> assertThat(RegistryUnavailableException.in(e)).isPresent());

        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(metrics.count("bad:" + TOPICS.requests() + ":deserialize")).isZero();
        registry.up();
        requests.pipeInput(utf8(MODEL), good, T0);
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(metrics.count("in:" + TOPICS.requests())).isEqualTo(1);
    }

    @Test
    void shouldMakeTheGlobalModelStoreWaitForTheRegistryInsteadOfDroppingASpec() {
        int id = FreshSchemaIds.register(registry.inner(), TOPICS.models(), ModelSpec.getClassSchema(), "outage test");
        registry.failWith(SchemaRegistryException.NO_RESPONSE);

        models.pipeInput(utf8("other"), FreshSchemaIds.encode(id, model("other", 24)), T0);

        KeyValueStore<String, ModelInfo> store = driver.getKeyValueStore(IngestTopology.Names.DEFAULT.modelStore());
        assertThat(waits).isNotEmpty();
        assertThat(store.get("other").bounds().blocks()).isEqualTo(24);
        assertThat(modelDeadLetters).isEmpty();
        assertThat(metrics.count("bad:" + TOPICS.models() + ":deserialize")).isZero();
    }
}
