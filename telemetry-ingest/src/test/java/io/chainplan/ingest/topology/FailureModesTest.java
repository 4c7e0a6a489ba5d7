package io.chainplan.ingest.topology;

import static io.chainplan.ingest.testing.Events.arrived;
import static io.chainplan.ingest.testing.Events.completed;
import static io.chainplan.ingest.testing.Events.hop;
import static io.chainplan.ingest.testing.Events.model;
import static io.chainplan.ingest.testing.Events.telemetry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.ingest.testing.RecordingIngestMetrics;
import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.ServerTelemetry;
import io.chainplan.schemas.registry.InMemorySchemaRegistry;
import io.chainplan.schemas.serde.DeadLetters;
import io.chainplan.schemas.serde.FailureMode;
import io.chainplan.schemas.serde.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The three failure modes ({@code fail | log-and-skip | dead-letter}) on each Avro input
 * (requests, telemetry, models), and the dead letters of bad model specs, which the global model
 * store hands to a {@link DeadLetterSink} because it cannot forward.
 */
class FailureModesTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final long T0 = 1_700_000_000_000L;
    private static final long GIB = 1L << 30;
    private static final String MODEL = "llama-2-7b";
    private static final String OTHER = "mistral-7b";
    private static final String TRACE = "trace-id";

    /** An input, with one bad record for it. */
    enum Input {
        REQUESTS(TOPICS.requests(), 0, "validate", "computeSeconds must be a finite number in (0, 86400] seconds, was -1.0"),
        TELEMETRY(TOPICS.telemetry(), 0, "validate", "totalMemoryBytes of server s1 must be in [1, 17592186044416] (16 TiB), was 0"),
        MODELS(TOPICS.models(), 1, "validate", "blocks of model mistral-7b must be in [1, 1024], was 0");

        final String topic;
        /** Offset of the bad record: the models topic already holds {@link #MODEL}'s spec. */
        final long badOffset;
        final String stage;
        final String reason;

        Input(String topic, long badOffset, String stage, String reason) {
            this.topic = topic;
            this.badOffset = badOffset;
            this.stage = stage;
            this.reason = reason;
        }
    }

    /** A dead letter, from the topology's dead-letter topic or from the model store's sink. */
    private record Letter(byte[] key, byte[] value, Headers headers) {
        String header(String name) {
            return DeadLetters.header(headers, name);
        }
    }

    /**
     * A bad model spec: {@code spec} null means bytes that are not Avro at all.
     *
     * @param name    for the test's display name
     * @param key     record key
     * @param spec    the value, or null
     * @param stage   expected stage
     * @param message expected part of the message
     */
    record BadSpec(String name, String key, ModelSpec spec, String stage, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final RecordingIngestMetrics metrics = new RecordingIngestMetrics();
    private final List<ProducerRecord<byte[], byte[]>> modelDeadLetters = new ArrayList<>();
    /** What the model store's sink was given for the accepted-models topic. */
    private final List<ProducerRecord<byte[], byte[]>> acceptedSpecs = new ArrayList<>();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> rawRequests;
    private TestInputTopic<byte[], byte[]> rawTelemetry;
    private TestInputTopic<byte[], byte[]> rawModels;
    private TestOutputTopic<String, DemandEstimate> demand;
    private TestOutputTopic<String, ServerEstimate> servers;
    private TestOutputTopic<byte[], byte[]> deadLetterTopic;

    private void start(FailureMode mode) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "failure-modes-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandlers.Processing.class);
        props.put(DeadLetterExceptionHandlers.DEAD_LETTER_TOPIC_CONFIG, TOPICS.deadLetters());
        driver = new TopologyTestDriver(IngestTopology.build(TOPICS, registry, IngestSettings.defaults().withFailureMode(mode),
                metrics, this::sink), props, Instant.ofEpochMilli(T0));
        ByteArraySerializer bytes = new ByteArraySerializer();
        rawRequests = driver.createInputTopic(TOPICS.requests(), bytes, bytes);
        rawTelemetry = driver.createInputTopic(TOPICS.telemetry(), bytes, bytes);
        rawModels = driver.createInputTopic(TOPICS.models(), bytes, bytes);
        demand = driver.createOutputTopic(TOPICS.demandEstimates(), new StringDeserializer(),
                Topics.valueSerde(DemandEstimate.class, registry).deserializer());
        servers = driver.createOutputTopic(TOPICS.serverEstimates(), new StringDeserializer(),
                Topics.valueSerde(ServerEstimate.class, registry).deserializer());
        deadLetterTopic = driver.createOutputTopic(TOPICS.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        pipe(rawModels, MODEL, avro(TOPICS.models(), model(MODEL, 32)), T0 - 60_000);
    }

    private void sink(ProducerRecord<byte[], byte[]> r) {
        (r.topic().equals(TOPICS.acceptedModels()) ? acceptedSpecs : modelDeadLetters).add(r);
    }

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
    }

    private <T extends SpecificRecord> byte[] avro(String topic, T value) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) value.getClass();
        return Topics.valueSerde(type, registry).serializer().serialize(topic, value);
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static void pipe(TestInputTopic<byte[], byte[]> topic, String key, byte[] value, long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(TRACE, utf8("trace-" + timestamp));
        topic.pipeInput(new TestRecord<>(utf8(key), value, headers, timestamp));
    }

    private TestInputTopic<byte[], byte[]> raw(Input input) {
        return switch (input) {
            case REQUESTS -> rawRequests;
            case TELEMETRY -> rawTelemetry;
            case MODELS -> rawModels;
        };
    }

    /** Pipes the input's bad record; returns its key and value bytes. */
    private byte[][] pipeBad(Input input) {
        String key = switch (input) {
            case REQUESTS -> MODEL;
            case TELEMETRY -> "s1";
            case MODELS -> OTHER;
        };
        byte[] value = switch (input) {
            case REQUESTS -> avro(input.topic, completed(MODEL, "bad", T0, 5, List.of(hop("s1", 0, 32, -1.0, 0.01))));
            case TELEMETRY -> avro(input.topic, telemetry("s1", MODEL, T0, 0, 0.02, 0.1));
            case MODELS -> avro(input.topic, ModelSpec.newBuilder(model(OTHER, 32)).setBlocks(0).build());
        };
        pipe(raw(input), key, value, T0);
        return new byte[][] {utf8(key), value};
    }

    /** Pipes good records of the input and asserts that they were used. */
    private void pipeGoodAndAssertUsed(Input input) {
        switch (input) {
            case REQUESTS -> assertThat(arrivalsEstimatedFor(MODEL)).isEqualTo(10);
            case TELEMETRY -> {
                pipe(rawTelemetry, "s1", avro(input.topic, telemetry("s1", MODEL, T0, 40 * GIB, 0.02, 0.1)), T0);
                assertThat(servers.readValue().getMemoryBytes()).isEqualTo(39 * GIB);
            }
            case MODELS -> {
                pipe(rawModels, OTHER, avro(input.topic, model(OTHER, 24)), T0);
                assertThat(modelStore().get(OTHER).bounds().blocks()).isEqualTo(24);
                assertThat(arrivalsEstimatedFor(OTHER)).as("requests for the model are accepted").isEqualTo(10);
            }
        }
    }

    /** Pipes 2 arrivals/s of the model over [T0, T0 + 10 s); returns the arrivals of its first demand estimate. */
    private long arrivalsEstimatedFor(String modelId) {
        for (long t = T0; t < T0 + 10_000; t += 500) {
            pipe(rawRequests, modelId, avro(TOPICS.requests(), arrived(modelId, "r" + t, t, 100)), t);
        }
        return demand.readKeyValuesToList().stream().filter(kv -> kv.key.equals(modelId))
                .findFirst().orElseThrow(() -> new AssertionError("no demand estimate for " + modelId))
                .value.getArrivals();
    }

    private KeyValueStore<String, ModelInfo> modelStore() {
        return driver.getKeyValueStore(IngestTopology.Names.DEFAULT.modelStore());
    }

    private List<Letter> deadLetters() {
        List<Letter> out = new ArrayList<>();
        deadLetterTopic.readRecordsToList().forEach(r -> out.add(new Letter(r.key(), r.value(), r.headers())));
        modelDeadLetters.forEach(r -> out.add(new Letter(r.key(), r.value(), r.headers())));
        modelDeadLetters.clear();
        return out;
    }

    @ParameterizedTest
    @EnumSource(Input.class)
    void shouldDeadLetterABadRecordWithItsOriginalBytesAndHeadersCountItAndKeepGoing(Input input) {
        start(FailureMode.DEAD_LETTER);
        byte[][] bad = pipeBad(input);

        List<Letter> dead = deadLetters();
        assertThat(dead).hasSize(1);
        Letter letter = dead.get(0);
        assertThat(letter.key()).isEqualTo(bad[0]);
        assertThat(letter.value()).isEqualTo(bad[1]);
        assertThat(letter.header(TRACE)).isEqualTo("trace-" + T0);
        assertThat(letter.header(DeadLetters.HEADER_TOPIC)).isEqualTo(input.topic);
        assertThat(letter.header(DeadLetters.HEADER_PARTITION)).isEqualTo("0");
        assertThat(letter.header(DeadLetters.HEADER_OFFSET)).isEqualTo(Long.toString(input.badOffset));
        assertThat(letter.header(DeadLetters.HEADER_STAGE)).isEqualTo(input.stage);
        assertThat(letter.header(DeadLetters.HEADER_EXCEPTION_CLASS)).isEqualTo(InvalidRecordException.class.getName());
        assertThat(letter.header(DeadLetters.HEADER_EXCEPTION_MESSAGE)).contains(input.reason);
        assertThat(metrics.count("bad:" + input.topic + ":" + input.stage)).isEqualTo(1);
        assertThat(metrics.count("dead:" + input.topic + ":" + input.stage)).isEqualTo(1);
        assertThat(metrics.count("skipped:" + input.topic + ":" + ModelStoreUpdater.SKIP_REASON)).isZero();
        pipeGoodAndAssertUsed(input);
        assertThat(deadLetters()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Input.class)
    void shouldLogAndSkipABadRecordWithoutADeadLetterCountItAndKeepGoing(Input input) {
        start(FailureMode.LOG_AND_SKIP);
        pipeBad(input);

        assertThat(deadLetters()).isEmpty();
        assertThat(metrics.count("bad:" + input.topic + ":" + input.stage)).isEqualTo(1);
        assertThat(metrics.count("dead:" + input.topic + ":" + input.stage)).isZero();
        if (input == Input.MODELS) {
            assertThat(metrics.count("skipped:" + input.topic + ":" + ModelStoreUpdater.SKIP_REASON)).isEqualTo(1);
            assertThat(modelStore().get(OTHER)).isNull();
        } else {
            assertThat(metrics.count("skipped:" + input.topic + ":" + DeadLetterProcessor.SKIP_REASON)).isEqualTo(1);
        }
        pipeGoodAndAssertUsed(input);
        assertThat(deadLetters()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Input.class)
    void shouldStopOnABadRecordWithAnErrorNamingTopicPartitionOffsetAndReason(Input input) {
        start(FailureMode.FAIL);
        assertThatThrownBy(() -> pipeBad(input)).satisfies(e -> {
            BadRecordFailure failure = badRecordFailure(e);
            assertThat(failure.getMessage())
                    .contains(input.topic + "-0@" + input.badOffset)
                    .contains("(" + input.stage + ")")
                    .contains(input.reason);
        });
        assertThat(deadLetters()).isEmpty();
        assertThat(metrics.count("bad:" + input.topic + ":" + input.stage)).isEqualTo(1);
    }

    private static BadRecordFailure badRecordFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BadRecordFailure f) {
                return f;
            }
        }
        throw new AssertionError("no BadRecordFailure in the causes of " + e, e);
    }

    static Stream<BadSpec> badSpecs() {
        return Stream.of(
                new BadSpec("bytes that are not Avro", OTHER, null, "deserialize", "magic byte"),
                new BadSpec("an empty id", OTHER, ModelSpec.newBuilder(model(OTHER, 32)).setId("").build(), "validate",
                        "id must not be empty"),
                new BadSpec("a key that differs from the id", "not-" + OTHER, model(OTHER, 32), "validate",
                        "record key \"not-" + OTHER + "\" must equal id \"" + OTHER + "\""),
                new BadSpec("fewer than one block", OTHER, ModelSpec.newBuilder(model(OTHER, 32)).setBlocks(0).build(), "validate",
                        "blocks of model " + OTHER + " must be in [1, 1024], was 0"),
                new BadSpec("a block of no bytes (the optimizer's rule too)", OTHER,
                        ModelSpec.newBuilder(model(OTHER, 32)).setBlockBytes(0).build(), "validate",
                        "blockBytes of model " + OTHER + " must be in [1, 17592186044416] (16 TiB), was 0"),
                new BadSpec("a mean prompt that is not a number", OTHER,
                        ModelSpec.newBuilder(model(OTHER, 32)).setMeanInputTokens(Double.NaN).build(), "validate",
                        "meanInputTokens of model " + OTHER + " must be in [0, 8192] (the model's contextTokens), was NaN"));
    }

    @ParameterizedTest(name = "a model spec with {0}")
    @MethodSource("badSpecs")
    void shouldDeadLetterABadModelSpecThroughTheSinkAndStillTakeAGoodSpecAfterIt(BadSpec bad) {
        start(FailureMode.DEAD_LETTER);
        byte[] value = bad.spec() == null ? utf8("not avro") : avro(TOPICS.models(), bad.spec());
        pipe(rawModels, bad.key(), value, T0);

        assertThat(deadLetterTopic.isEmpty()).as("a global processor cannot forward").isTrue();
        assertThat(modelDeadLetters).hasSize(1);
        ProducerRecord<byte[], byte[]> letter = modelDeadLetters.get(0);
        assertThat(letter.topic()).isEqualTo(TOPICS.deadLetters());
        assertThat(letter.key()).isEqualTo(utf8(bad.key()));
        assertThat(letter.value()).isEqualTo(value);
        assertThat(letter.timestamp()).isEqualTo(T0);
        assertThat(DeadLetters.header(letter.headers(), TRACE)).isEqualTo("trace-" + T0);
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.HEADER_TOPIC)).isEqualTo(TOPICS.models());
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.HEADER_PARTITION)).isEqualTo("0");
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.HEADER_OFFSET)).isEqualTo("1");
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.HEADER_STAGE)).isEqualTo(bad.stage());
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.HEADER_EXCEPTION_MESSAGE)).contains(bad.message());
        assertThat(metrics.count("dead:" + TOPICS.models() + ":" + bad.stage())).isEqualTo(1);
        assertThat(modelStore().get(OTHER)).isNull();
        modelDeadLetters.clear();

        pipe(rawModels, OTHER, avro(TOPICS.models(), model(OTHER, 24)), T0);
        assertThat(modelStore().get(OTHER).bounds().blocks()).isEqualTo(24);
        assertThat(arrivalsEstimatedFor(OTHER)).isEqualTo(10);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void shouldKeepAModelsPreviousSpecWhenABadOneFollowsIt() {
        start(FailureMode.DEAD_LETTER);
        pipe(rawModels, MODEL, avro(TOPICS.models(), ModelSpec.newBuilder(model(MODEL, 32)).setBlocks(-3).build()), T0);

        assertThat(modelDeadLetters).hasSize(1);
        assertThat(modelStore().get(MODEL).bounds().blocks()).isEqualTo(32);
        assertThat(arrivalsEstimatedFor(MODEL)).isEqualTo(10);
    }

    @Test
    void shouldWriteEveryGoodSpecAndTombstoneToTheAcceptedModelsTopicAndNoBadOne() {
        start(FailureMode.DEAD_LETTER);
        byte[] good = avro(TOPICS.models(), model(OTHER, 24));
        pipe(rawModels, OTHER, good, T0);
        pipe(rawModels, OTHER, avro(TOPICS.models(), ModelSpec.newBuilder(model(OTHER, 24)).setBlocks(0).build()), T0);
        pipe(rawModels, OTHER, null, T0);

        assertThat(acceptedSpecs).extracting(ProducerRecord::topic).containsOnly(TOPICS.acceptedModels());
        assertThat(acceptedSpecs).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactly(MODEL, OTHER, OTHER);
        assertThat(acceptedSpecs.get(1).value()).isEqualTo(good);
        assertThat(acceptedSpecs.get(2).value()).as("a deleted model is deleted there too").isNull();
        assertThat(modelDeadLetters).hasSize(1);
    }

    @Test
    void shouldKeepAModelWhoseOnlySpecLeftOnTheModelsTopicIsBadFromItsLastAcceptedSpec() {
        // compaction of the models topic left only the bad spec; the accepted-models topic keeps the good one
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "failure-modes-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(IngestTopology.build(TOPICS, registry, IngestSettings.defaults(), metrics,
                this::sink), props, Instant.ofEpochMilli(T0));
        ByteArraySerializer bytes = new ByteArraySerializer();
        rawRequests = driver.createInputTopic(TOPICS.requests(), bytes, bytes);
        demand = driver.createOutputTopic(TOPICS.demandEstimates(), new StringDeserializer(),
                Topics.valueSerde(DemandEstimate.class, registry).deserializer());
        deadLetterTopic = driver.createOutputTopic(TOPICS.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        pipe(driver.createInputTopic(TOPICS.acceptedModels(), bytes, bytes), MODEL, avro(TOPICS.models(), model(MODEL, 32)),
                T0 - 120_000);
        pipe(driver.createInputTopic(TOPICS.models(), bytes, bytes), MODEL,
                avro(TOPICS.models(), ModelSpec.newBuilder(model(MODEL, 32)).setBlocks(-3).build()), T0 - 60_000);

        assertThat(modelDeadLetters).hasSize(1);
        assertThat(modelStore().get(MODEL)).as("the models topic holds no good spec").isNull();
        assertThat(arrivalsEstimatedFor(MODEL)).as("the model is still known: its events count").isEqualTo(10);
        assertThat(deadLetterTopic.isEmpty()).isTrue();
    }

    @Test
    void shouldLogAndSkipBadModelSpecsWhenBuiltWithoutASink() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "failure-modes-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(IngestTopology.build(TOPICS, registry, IngestSettings.defaults(), metrics), props,
                Instant.ofEpochMilli(T0));
        TestInputTopic<String, ModelSpec> models = driver.createInputTopic(TOPICS.models(), new StringSerializer(),
                Topics.valueSerde(ModelSpec.class, registry).serializer());
        TestOutputTopic<byte[], byte[]> dead = driver.createOutputTopic(TOPICS.deadLetters(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());

        models.pipeInput(OTHER, ModelSpec.newBuilder(model(OTHER, 32)).setBlocks(0).build(), T0);
        models.pipeInput(OTHER, model(OTHER, 24), T0);

        assertThat(dead.isEmpty()).isTrue();
        assertThat(metrics.count("bad:" + TOPICS.models() + ":validate")).isEqualTo(1);
        assertThat(metrics.count("skipped:" + TOPICS.models() + ":" + ModelStoreUpdater.SKIP_REASON)).isEqualTo(1);
        assertThat(metrics.count("dead:" + TOPICS.models() + ":validate")).isZero();
        assertThat(driver.<String, ModelInfo>getKeyValueStore(IngestTopology.Names.DEFAULT.modelStore()).get(OTHER).bounds().blocks())
                .isEqualTo(24);
    }
}
