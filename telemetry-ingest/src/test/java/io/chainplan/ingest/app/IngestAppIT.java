package io.chainplan.ingest.app;

import static io.chainplan.ingest.testing.Events.arrived;
import static io.chainplan.ingest.testing.Events.completed;
import static io.chainplan.ingest.testing.Events.hop;
import static io.chainplan.ingest.testing.Events.model;
import static io.chainplan.ingest.testing.Events.telemetry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.ServerTelemetry;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.local.LocalStack;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.DeadLetters;
import io.chainplan.schemas.serde.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * End to end on the in-process broker and the embedded registry (over HTTP): poison mixed into
 * good records (and a bad model spec, dead-lettered by the global store's own producer), and a
 * restart in the middle on a fresh state directory (state restored from the changelogs), under
 * exactly-once.
 */
class IngestAppIT {
    private static final String MODEL = "llama-it-restart";
    private static final String SERVER_MODEL = "llama-it-servers";
    private static final String BAD_MODEL = "llama-it-no-blocks";
    private static final long STEP = 5_000;
    /** Longest wait for a condition: generous, as the machine is often busy (no test depends on its speed). */
    private static final Duration WAIT = Duration.ofMinutes(2);
    @TempDir
    static Path dir;
    private static LocalStack stack;
    private static SchemaRegistry registry;
    /** Topics of the test running now: each test has its own prefix, so stream time is not shared. */
    private Topics topics;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.start(LocalStack.Settings.ephemeral(dir));
        registry = stack.schemaRegistryClient();
    }

    private void useTopics(String prefix) {
        topics = Topics.withPrefix(prefix);
        LocalStack.createTopics(stack.bootstrapServers(), topics);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    private IngestConfig config(String appId, String stateDir) {
        ClientConfig c = stack.clientConfig()
                .with(ClientConfig.TOPIC_PREFIX_CONFIG, topics.prefix())
                .with(StreamsConfig.APPLICATION_ID_CONFIG, appId)
                .with(StreamsConfig.STATE_DIR_CONFIG, dir.resolve(stateDir).toString())
                .with(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100")
                .with(IngestConfig.METRICS_PORT_CONFIG, "0")
                .with(IngestConfig.EMIT_HEARTBEAT_MS_CONFIG, Long.toString(STEP));
        return IngestConfig.of(c);
    }

    private static byte[] avro(String topic, SpecificRecord value) {
        @SuppressWarnings("unchecked")
        Class<SpecificRecord> type = (Class<SpecificRecord>) value.getClass();
        return Topics.valueSerde(type, registry).serializer().serialize(topic, value);
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, String key, byte[] value) {
        p.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
    }

    /** Good arrivals at 2/s in [from, to), with poison every 25th record; returns {good, poison}. */
    private int[] produceRequests(KafkaProducer<byte[], byte[]> p, long from, long to) {
        int good = 0;
        int poison = 0;
        for (long t = from; t < to; t += 500) {
            send(p, topics.requests(), MODEL, avro(topics.requests(), arrived(MODEL, "r" + t, t, 1000)));
            good++;
            if (good % 25 == 0) {
                send(p, topics.requests(), MODEL, "garbage".getBytes(StandardCharsets.UTF_8));
                send(p, topics.requests(), MODEL, avro(topics.requests(),
                        completed(MODEL, "neg" + t, t, 5, List.of(hop("s1", 0, 32, -1, 0.01)))));
                send(p, topics.requests(), "gpt-x", avro(topics.requests(), arrived("gpt-x", "u" + t, t, 5)));
                poison += 3;
            }
        }
        p.flush();
        return new int[] {good, poison};
    }

    private List<ConsumerRecord<String, byte[]>> readAll(String topic, int expectedAtLeast) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            int[] idlePolls = {0};
            await(expectedAtLeast + " records on " + topic + ", then 3 empty polls").atMost(WAIT).pollInSameThread()
                    .pollInterval(Duration.ofMillis(10)).until(() -> {
                        int n = 0;
                        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(300))) {
                            out.add(r);
                            n++;
                        }
                        idlePolls[0] = n == 0 ? idlePolls[0] + 1 : 0;
                        return out.size() >= expectedAtLeast && idlePolls[0] >= 3;
                    });
        }
        return out;
    }

    @Test
    void shouldKeepAModelWhoseOnlySpecLeftAfterCompactionIsBadFromTheAcceptedModelsTopic() throws Exception {
        useTopics("accepted.");
        long base = (System.currentTimeMillis() - 600_000) / STEP * STEP;
        byte[] good = avro(topics.models(), model(MODEL, 32));
        byte[] bad = avro(topics.models(), ModelSpec.newBuilder(model(MODEL, 32)).setBlockBytes(0).build());
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            send(p, topics.models(), MODEL, good);
            send(p, topics.models(), MODEL, bad);
            p.flush();
            try (IngestApp app = IngestApp.start(config("ingest-accepted-a", "state-accepted-a"), registry)) {
                assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
                await("the bad spec dead-lettered").atMost(WAIT).until(() -> app.metrics().count(
                        "chainplan.ingest.dead.lettered", "topic", topics.models(), "stage", "validate") >= 1);
            }
            // what compaction keeps of the accepted-models topic: the latest record per key
            Map<String, byte[]> accepted = new java.util.TreeMap<>();
            readAll(topics.acceptedModels(), 1).forEach(r -> accepted.put(r.key(), r.value()));
            assertThat(accepted).containsOnlyKeys(MODEL);
            assertThat(accepted.get(MODEL)).as("the good spec, bytes as read").isEqualTo(good);

            // the compacted cluster: the models topic holds only the bad spec of the model
            useTopics("accepted-compacted.");
            send(p, topics.models(), MODEL, bad);
            accepted.forEach((k, v) -> send(p, topics.acceptedModels(), k, v));
            int[] requests = produceRequests(p, base, base + 30_000);
            try (IngestApp app = IngestApp.start(config("ingest-accepted-b", "state-accepted-b"), registry)) {
                assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
                await("the requests").atMost(WAIT).until(() -> app.metrics().count("chainplan.ingest.records.in", "topic",
                        topics.requests()) >= requests[0] + requests[1]);
                assertThat(app.metrics().count("chainplan.ingest.dead.lettered", "topic", topics.requests(), "stage",
                        "validate")).as("only the poison: no event of the model is of an unknown model")
                        .isEqualTo(2.0 * requests[1] / 3);
            }
        }
        var deserializer = Topics.valueSerde(DemandEstimate.class, registry).deserializer();
        assertThat(readAll(topics.demandEstimates(), 1).stream().filter(r -> MODEL.equals(r.key()))
                .map(r -> deserializer.deserialize(r.topic(), r.value()))).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getArrivals()).isPositive());
    }

    @Test
    void shouldCountEveryGoodRecordDeadLetterEveryBadOneAndNeitherLoseNorDoubleEstimatesAcrossARestart() throws Exception {
        useTopics("restart.");
        long base = (System.currentTimeMillis() - 600_000) / STEP * STEP;
        int[] first;
        int[] second;
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            send(p, topics.models(), MODEL, avro(topics.models(), model(MODEL, 32)));
            send(p, topics.models(), BAD_MODEL, avro(topics.models(), ModelSpec.newBuilder(model(BAD_MODEL, 32)).setBlocks(0).build()));
            p.flush();
            first = produceRequests(p, base, base + 60_000);
            try (IngestApp app = IngestApp.start(config("ingest-it", "state-a"), registry)) {
                assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
                await("the first half").atMost(WAIT).until(() -> app.metrics().count("chainplan.ingest.records.in", "topic",
                        topics.requests()) >= first[0] + first[1]);
                assertThat(app.metrics().count("chainplan.ingest.dead.lettered", "topic", topics.requests(), "stage", "validate"))
                        .isEqualTo(2.0 * first[1] / 3);
                assertThat(app.metrics().count("chainplan.ingest.dead.lettered", "topic", topics.models(), "stage", "validate"))
                        .isEqualTo(1);
            }
            second = produceRequests(p, base + 60_000, base + 120_000);
            try (IngestApp app = IngestApp.start(config("ingest-it", "state-b"), registry)) {
                assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
                await("the second half").atMost(WAIT).until(() -> app.metrics().count("chainplan.ingest.records.in", "topic",
                        topics.requests()) >= second[0] + second[1]);
                assertThat(app.metrics().count("chainplan.ingest.records.in", "topic", topics.requests()))
                        .as("nothing is processed twice after the restart").isEqualTo(second[0] + second[1]);
                String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://localhost:" + app.metricsPort().orElseThrow() + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(scrape).contains("chainplan_ingest_records_in_total", "chainplan_ingest_dead_lettered_total",
                        "chainplan_ingest_estimates_out_total", "chainplan_ingest_event_time_lag_seconds");
            }
        }
        int poison = first[1] + second[1];
        List<ConsumerRecord<String, byte[]>> all = readAll(topics.deadLetters(), poison + 2);
        assertBadModelSpecDeadLetteredOncePerStart(all);
        List<ConsumerRecord<String, byte[]>> dead = all.stream()
                .filter(r -> topics.requests().equals(DeadLetters.header(r.headers(), DeadLetters.HEADER_TOPIC))).toList();
        assertThat(dead).hasSize(poison);
        assertThat(dead.stream().filter(r -> "deserialize".equals(DeadLetters.header(r.headers(), DeadLetters.HEADER_STAGE))))
                .hasSize(poison / 3).allSatisfy(r -> assertThat(r.value()).isEqualTo("garbage".getBytes(StandardCharsets.UTF_8)));

        var deserializer = Topics.valueSerde(DemandEstimate.class, registry).deserializer();
        List<DemandEstimate> estimates = readAll(topics.demandEstimates(), 20).stream()
                .filter(r -> MODEL.equals(r.key()))
                .map(r -> deserializer.deserialize(r.topic(), r.value())).toList();
        List<Long> boundaries = estimates.stream().map(e -> e.getTimestampMillis().toEpochMilli()).toList();
        // heartbeat = step: one estimate per step boundary, none lost and none doubled across the restart
        List<Long> expected = new ArrayList<>();
        long last = boundaries.get(boundaries.size() - 1);
        for (long b = base + STEP; b <= last; b += STEP) {
            expected.add(b);
        }
        assertThat(boundaries).containsExactlyElementsOf(expected);
        assertThat(last).isGreaterThanOrEqualTo(base + 110_000);
        DemandEstimate end = estimates.get(estimates.size() - 1);
        long goodBeforeEnd = (end.getTimestampMillis().toEpochMilli() - base) / 500;
        assertThat(end.getArrivals()).as("every good arrival counted exactly once").isEqualTo(goodBeforeEnd);
        assertThat(end.getArrivalRatePerSecond()).isEqualTo(2.0);
    }

    /**
     * The global model store is in memory and rebuilt from the models topic at every start, and
     * Kafka Streams re-runs its processor while rebuilding: the bad spec is dead-lettered once per
     * start (at least once), each time with the same source offset.
     */
    private void assertBadModelSpecDeadLetteredOncePerStart(List<ConsumerRecord<String, byte[]>> all) {
        List<ConsumerRecord<String, byte[]>> models = all.stream()
                .filter(r -> topics.models().equals(DeadLetters.header(r.headers(), DeadLetters.HEADER_TOPIC))).toList();
        assertThat(models).hasSize(2).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo(BAD_MODEL);
            assertThat(DeadLetters.header(r.headers(), DeadLetters.HEADER_STAGE)).isEqualTo("validate");
            assertThat(DeadLetters.header(r.headers(), DeadLetters.HEADER_OFFSET)).isEqualTo("1");
            assertThat(DeadLetters.header(r.headers(), DeadLetters.HEADER_EXCEPTION_MESSAGE)).contains("blocks of model " + BAD_MODEL + " must be in [1, 1024], was 0");
            assertThat(Topics.valueSerde(ModelSpec.class, registry).deserializer().deserialize(r.topic(), r.value()).getBlocks())
                    .as("the original bytes").isZero();
        });
    }

    @Test
    void shouldPublishServerEstimatesFromTelemetryAndHops() throws Exception {
        useTopics("servers.");
        long now = System.currentTimeMillis();
        String server = "it-server-1";
        try (KafkaProducer<byte[], byte[]> p = producer();
             IngestApp app = IngestApp.start(config("ingest-it-servers", "state-s"), registry)) {
            send(p, topics.models(), SERVER_MODEL, avro(topics.models(), model(SERVER_MODEL, 32)));
            send(p, topics.telemetry(), server, avro(topics.telemetry(), telemetry(server, SERVER_MODEL, now, 20L << 30, 0.02, 0.175)));
            p.flush();
            assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
            // hops are measured once the server's first report is on the fleet topic (ingest writes it)
            assertThat(readAll(topics.fleet(), 1)).extracting(ConsumerRecord::key).containsExactly(server);
            for (int i = 0; i < 12; i++) {
                send(p, topics.requests(), SERVER_MODEL, avro(topics.requests(),
                        completed(SERVER_MODEL, "c" + i, now + i, 10, List.of(hop(server, 0, 32, 32 * 0.2, 0.05)))));
            }
            p.flush();
            assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
            var deserializer = Topics.valueSerde(ServerEstimate.class, registry).deserializer();
            List<ServerEstimate> out = new ArrayList<>();
            await("a measured server estimate").atMost(WAIT).pollInSameThread().until(() -> {
                out.clear();
                readAll(topics.serverEstimates(), 2).forEach(r -> out.add(deserializer.deserialize(r.topic(), r.value())));
                return out.stream().anyMatch(e -> e.getServerId().equals(server) && e.getComputeSamples() >= 10);
            });
            ServerEstimate e = out.stream().filter(x -> x.getServerId().equals(server)).reduce((a, b) -> b).orElseThrow();
            assertThat(e.getMemoryBytes()).isEqualTo((20L << 30) - (1L << 30));
            assertThat(e.getPerBlockComputeSeconds()).isEqualTo(0.2, org.assertj.core.api.Assertions.within(1e-9));
        }
    }
}
