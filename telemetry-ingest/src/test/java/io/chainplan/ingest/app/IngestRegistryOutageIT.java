package io.chainplan.ingest.app;

import static io.chainplan.ingest.testing.Events.arrived;
import static io.chainplan.ingest.testing.Events.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chainplan.local.LocalStack;
import io.chainplan.local.registry.EmbeddedSchemaRegistry;
import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.registry.RestSchemaRegistryClient;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.DeadLetters;
import io.chainplan.schemas.serde.TopicReader;
import io.chainplan.schemas.serde.Topics;
import io.chainplan.schemas.testing.CountingRegistry;
import io.chainplan.schemas.serde.FreshSchemaIds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, item 3, on the in-process broker: the embedded schema registry is stopped while
 * telemetry-ingest runs and records written under schema ids it has not fetched yet keep arriving
 * (a request event schema and a model spec schema of a newer producer), then the registry is
 * started again on the same port. No good record is dead-lettered; after the registry is back
 * every good arrival is counted exactly once (exactly-once: the tasks that failed on the outage
 * were aborted and their records read again), the model spec published during the outage is in
 * the global store, and only the poison records are dead-lettered.
 * <p>The awaits do not catch uncaught exceptions of other threads (Awaitility's default): a stream thread that
 * fails for want of the registry is replaced by Kafka Streams, which is what this test checks, but its
 * throwable also reaches the thread's end, and Awaitility would report it as this test's failure.
 */
class IngestRegistryOutageIT {
    private static final String MODEL = "llama-outage";
    private static final String LATE_MODEL = "llama-outage-late";
    private static final long STEP = 5_000;
    /** Longest wait for a condition: generous, as the machine is often busy (no test depends on its speed). */
    private static final Duration WAIT = Duration.ofMinutes(3);
    @TempDir
    Path dir;

    @Test
    void shouldNeitherDeadLetterNorLoseGoodRecordsWhileTheRegistryIsDown() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalStack.Settings.ephemeral(dir.resolve("stack")))) {
            Topics topics = Topics.withPrefix("outage.");
            LocalStack.createTopics(stack.bootstrapServers(), topics);
            SchemaRegistry producers = stack.schemaRegistryClient();
            CountingRegistry ingestRegistry = new CountingRegistry(RestSchemaRegistryClient.builder(stack.schemaRegistryUrl())
                    .timeout(Duration.ofSeconds(2)).build());
            long base = (System.currentTimeMillis() - 600_000) / STEP * STEP;
            int good = 0;
            int poison = 0;
            EmbeddedSchemaRegistry restarted = null;
            try (KafkaProducer<byte[], byte[]> p = producer(stack);
                 IngestApp app = IngestApp.start(config(stack, topics), ingestRegistry)) {
                send(p, topics.models(), MODEL, Topics.valueSerde(ModelSpec.class, producers).serializer()
                        .serialize(topics.models(), model(MODEL, 32)));
                for (long t = base; t < base + 40_000; t += 500, good++) {
                    send(p, topics.requests(), MODEL, Topics.valueSerde(RequestEvent.class, producers).serializer()
                            .serialize(topics.requests(), arrived(MODEL, "r" + t, t, 1000)));
                }
                p.flush();
                assertThat(app.awaitRunning(Duration.ofSeconds(90))).isTrue();
                int before = good;
                await("the records before the outage").dontCatchUncaughtExceptions().atMost(WAIT)
                        .until(() -> app.metrics().count("chainplan.ingest.records.in", "topic", topics.requests()) >= before);
                int requestId = FreshSchemaIds.register(producers, topics.requests(), RequestEvent.getClassSchema(), "outage IT");
                int modelId = FreshSchemaIds.register(producers, topics.models(), ModelSpec.getClassSchema(), "outage IT");

                int port = stack.registry().port();
                stack.registry().close();
                send(p, topics.models(), LATE_MODEL, FreshSchemaIds.encode(modelId, model(LATE_MODEL, 24)));
                for (long t = base + 40_000; t < base + 80_000; t += 500, good++) {
                    send(p, topics.requests(), MODEL, FreshSchemaIds.encode(requestId, arrived(MODEL, "r" + t, t, 1000)));
                    if (t % 10_000 == 0) {
                        send(p, topics.requests(), MODEL, "garbage".getBytes(StandardCharsets.UTF_8));
                        send(p, topics.requests(), MODEL, FreshSchemaIds.encode(9999, arrived(MODEL, "u" + t, t, 1)));
                        poison += 2;
                    }
                }
                p.flush();
                await("the ingest finding the registry down for longer than its retries").dontCatchUncaughtExceptions().atMost(WAIT)
                        .until(ingestRegistry::outlastedRetries);
                assertThat(readAll(stack, topics.deadLetters())).as("nothing dead-lettered while down")
                        .extracting(r -> DeadLetters.header(r.record().headers(), DeadLetters.HEADER_TOPIC) + "@"
                                + DeadLetters.header(r.record().headers(), DeadLetters.HEADER_OFFSET)).isEmpty();

                restarted = EmbeddedSchemaRegistry.start(stack.bootstrapServers(), port);
                send(p, topics.requests(), MODEL, FreshSchemaIds.encode(requestId, arrived(MODEL, "after", base + 85_000, 1000)));
                good++;
                p.flush();
                await("the late model spec in the global store").dontCatchUncaughtExceptions().atMost(WAIT)
                        .until(() -> app.metrics().count("chainplan.ingest.records.in", "topic", topics.models()) >= 2);
                int sent = good;
                var deserializer = Topics.valueSerde(DemandEstimate.class, producers).deserializer();
                List<DemandEstimate> estimates = new ArrayList<>();
                await("an estimate counting the arrivals written during the outage").dontCatchUncaughtExceptions().atMost(WAIT).until(() -> {
                    estimates.clear();
                    readAll(stack, topics.demandEstimates()).stream().filter(r -> MODEL.equals(r.key()))
                            .forEach(r -> estimates.add(deserializer.deserialize(r.record().topic(), r.record().value())));
                    return !estimates.isEmpty()
                            && estimates.get(estimates.size() - 1).getTimestampMillis().toEpochMilli() >= base + 80_000;
                });
                DemandEstimate end = estimates.get(estimates.size() - 1);
                long goodBeforeEnd = Math.min(sent, (end.getTimestampMillis().toEpochMilli() - base) / 500);
                assertThat(end.getArrivals()).as("every good arrival counted exactly once").isEqualTo(goodBeforeEnd);
                assertThat(goodBeforeEnd).as("the arrivals written during the outage included").isEqualTo(sent - 1);

                int expectedPoison = poison;
                List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
                await("the poison records dead-lettered").dontCatchUncaughtExceptions().atMost(WAIT).until(() -> {
                    dead.clear();
                    readAll(stack, topics.deadLetters()).forEach(r -> dead.add(r.record()));
                    return dead.size() >= expectedPoison;
                });
                assertThat(dead).hasSize(poison).allSatisfy(r -> {
                    assertThat(DeadLetters.header(r.headers(), DeadLetters.HEADER_STAGE)).isEqualTo("deserialize");
                    assertThat(DeadLetters.header(r.headers(), DeadLetters.HEADER_TOPIC)).isEqualTo(topics.requests());
                });
                assertThat(dead.stream().filter(r -> DeadLetters.header(r.headers(), DeadLetters.HEADER_EXCEPTION_MESSAGE)
                        .contains("schema id 9999"))).as("an id unknown to the healthy registry").hasSize(poison / 2);
                assertThat(app.metrics().count("chainplan.ingest.dead.lettered", "topic", topics.models(), "stage", "deserialize"))
                        .isZero();
                System.out.printf("registry outage (ingest): good records sent %d (%d during the outage), poison %d, "
                                + "registry calls refused %d, dead-lettered %d (good 0), arrivals counted after recovery %d of the %d "
                                + "before %s%n", sent, sent - before - 1, poison, ingestRegistry.unavailable(), dead.size(),
                        end.getArrivals(), goodBeforeEnd, end.getTimestampMillis());
            } finally {
                if (restarted != null) {
                    restarted.close();
                }
            }
        }
    }

    private static IngestConfig config(LocalStack stack, Topics topics) {
        return IngestConfig.of(stack.clientConfig()
                .with(ClientConfig.TOPIC_PREFIX_CONFIG, topics.prefix())
                .with(StreamsConfig.APPLICATION_ID_CONFIG, "ingest-outage-it")
                .with(StreamsConfig.STATE_DIR_CONFIG, stack.broker().dataDir().resolveSibling("streams").toString())
                .with(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100")
                // A replaced stream thread's member stays in the group until its session times out
                // (Kafka Streams replaces threads with REMAIN_IN_GROUP): 10 s instead of 45 s.
                .with(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000")
                .with(IngestConfig.METRICS_PORT_CONFIG, "-1")
                .with(IngestConfig.EMIT_HEARTBEAT_MS_CONFIG, Long.toString(STEP)));
    }

    private static KafkaProducer<byte[], byte[]> producer(LocalStack stack) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, String key, byte[] value) {
        p.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
    }

    /** Every committed record of a topic (with a key), read to its end as of now. */
    private static List<TopicReader.Read<byte[]>> readAll(LocalStack stack, String topic) {
        try (TopicReader<byte[]> reader = TopicReader.open(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.bootstrapServers()), topic, new ByteArrayDeserializer())) {
            return reader.readToEnd(k -> true, WAIT).reads();
        }
    }
}
