package io.chainplan.ingest.app;

import static io.chainplan.ingest.testing.Events.arrived;
import static io.chainplan.ingest.testing.Events.model;
import static io.chainplan.ingest.testing.Events.telemetry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chainplan.local.EmbeddedKafkaBroker;
import io.chainplan.local.LocalStack;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.ServerStatus;
import io.chainplan.schemas.avro.ServerTelemetry;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.registry.InMemorySchemaRegistry;
import io.chainplan.schemas.serde.TopicReader;
import io.chainplan.schemas.serde.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, item 12, on the in-process broker: while two servers report every 250 ms, the broker is
 * stopped for three times the liveness timeout and started again on the same port with the same
 * data. The servers went on reporting (their producer held the records), so none of them went away:
 * telemetry-ingest publishes no {@code DOWN} estimate (an outage of the broker stops every input, and
 * liveness is measured against the inputs' frontier, not the wall clock), so the optimizer has no
 * reason for an {@code INFEASIBLE} plan; every acknowledged report is counted.
 */
class IngestBrokerOutageIT {
    private static final String MODEL = "llama-broker-outage";
    private static final long DOWN_AFTER_MS = 3_000;
    /** Longest wait for a condition: generous, as the machine is often busy (no test depends on its speed). */
    private static final Duration WAIT = Duration.ofMinutes(3);
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    @TempDir
    Path dir;

    @Test
    void shouldMarkNoServerDownWhenTheBrokerRatherThanTheServersWentAway() throws Exception {
        Topics topics = Topics.withPrefix("broker-outage.");
        Path data = dir.resolve("broker");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data, 0);
        int port = broker.port();
        ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
        AtomicLong sent = new AtomicLong();
        try (KafkaProducer<byte[], byte[]> p = producer(broker.bootstrapServers())) {
            LocalStack.createTopics(broker.bootstrapServers(), topics);
            send(p, topics.models(), MODEL, Topics.valueSerde(ModelSpec.class, registry).serializer()
                    .serialize(topics.models(), model(MODEL, 32)));
            var reports = Topics.valueSerde(ServerTelemetry.class, registry).serializer();
            var requests = Topics.valueSerde(RequestEvent.class, registry).serializer();
            traffic.scheduleAtFixedRate(() -> {
                long now = System.currentTimeMillis();
                for (String s : List.of("s1", "s2")) {
                    send(p, topics.telemetry(), s, reports.serialize(topics.telemetry(),
                            telemetry(s, MODEL, now, 40L << 30, 0.02, 0.109)));
                    sent.incrementAndGet();
                }
                send(p, topics.requests(), MODEL, requests.serialize(topics.requests(), arrived(MODEL, "r" + now, now, 100)));
            }, 0, 250, TimeUnit.MILLISECONDS);
            try (IngestApp app = IngestApp.start(config(broker.bootstrapServers(), topics), registry)) {
                assertThat(app.awaitRunning(Duration.ofSeconds(90))).isTrue();
                await("estimates of both servers").atMost(WAIT).until(() -> estimates(port, topics).stream()
                        .map(ServerEstimate::getServerId).distinct().count() == 2);

                broker.close();
                long stoppedAt = System.currentTimeMillis();
                // the fault's length, not a timing assertion: the broker stays down for 3 liveness timeouts
                await("the outage").atMost(WAIT).pollDelay(Duration.ofMillis(3 * DOWN_AFTER_MS)).until(() -> true);
                broker = EmbeddedKafkaBroker.start(data, port);
                long restartedAt = System.currentTimeMillis();

                await("estimates from reports after the outage").atMost(WAIT).until(() -> estimates(port, topics).stream()
                        .filter(e -> e.getLastSeenMillis().toEpochMilli() > restartedAt)
                        .map(ServerEstimate::getServerId).distinct().count() == 2);
                traffic.shutdown();
                assertThat(traffic.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
                p.flush();
                long reports0 = sent.get();
                await("every report counted").atMost(WAIT).until(() -> app.metrics().count("chainplan.ingest.records.in",
                        "topic", topics.telemetry()) >= reports0);

                List<ServerEstimate> all = estimates(port, topics);
                assertThat(all).as("no server marked down for the broker's outage")
                        .extracting(ServerEstimate::getStatus).containsOnly(ServerStatus.UP);
                System.out.printf("broker outage (ingest): down %d ms (liveness timeout %d ms), reports sent %d, counted %.0f,"
                        + " server estimates %d, DOWN 0%n", restartedAt - stoppedAt, DOWN_AFTER_MS, reports0,
                        app.metrics().count("chainplan.ingest.records.in", "topic", topics.telemetry()), all.size());
            }
        } finally {
            traffic.shutdownNow();
            broker.close();
        }
    }

    private static IngestConfig config(String bootstrap, Topics topics) {
        Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", bootstrap);
        return IngestConfig.of(ClientConfig.of(m)
                .with(ClientConfig.TOPIC_PREFIX_CONFIG, topics.prefix())
                .with(StreamsConfig.APPLICATION_ID_CONFIG, "ingest-broker-outage-it")
                .with(StreamsConfig.STATE_DIR_CONFIG, Path.of(System.getProperty("java.io.tmpdir"))
                        .resolve("chainplan-broker-outage-" + System.nanoTime()).toString())
                .with(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100")
                .with(IngestConfig.METRICS_PORT_CONFIG, "-1")
                .with(IngestConfig.DOWN_AFTER_MS_CONFIG, Long.toString(DOWN_AFTER_MS))
                .with(IngestConfig.LIVENESS_CHECK_MS_CONFIG, "250"));
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, String key, byte[] value) {
        p.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
    }

    /** Every committed server estimate so far, in order. */
    private List<ServerEstimate> estimates(int port, Topics topics) {
        var de = Topics.valueSerde(ServerEstimate.class, registry).deserializer();
        try (TopicReader<byte[]> reader = TopicReader.open(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                "localhost:" + port), topics.serverEstimates(), new ByteArrayDeserializer())) {
            return reader.readToEnd(k -> true, WAIT).reads().stream()
                    .map(r -> de.deserialize(r.record().topic(), r.record().value())).toList();
        }
    }
}
