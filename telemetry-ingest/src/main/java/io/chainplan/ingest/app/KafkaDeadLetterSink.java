package io.chainplan.ingest.app;

import io.chainplan.ingest.topology.DeadLetterSink;
import io.chainplan.ingest.topology.IngestMetrics;
import io.chainplan.schemas.serde.DeadLetters;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DeadLetterSink} on a producer of its own, for the dead letters of the global model
 * store (bad model specs) and the accepted specs it writes to the accepted-models topic. Idempotent, {@code acks=all}, not transactional: the global thread is
 * outside Kafka Streams' exactly-once transactions, so these dead letters are at least once (see
 * {@code ModelStoreUpdater}). Sends are asynchronous; a send that fails (at once or in its
 * callback) is logged and counted ({@link IngestMetrics#deadLetterSendFailed}), never thrown into
 * the global thread. Close it after Kafka Streams, so that nothing is sent to a closed producer;
 * closing waits for the sends in flight. Thread-safe.
 */
public final class KafkaDeadLetterSink implements DeadLetterSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaDeadLetterSink.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final Producer<byte[], byte[]> producer;
    private final IngestMetrics metrics;

    /**
     * @param producer sends the dead letters; closed by {@link #close}
     * @param metrics  counts failed sends
     */
    public KafkaDeadLetterSink(Producer<byte[], byte[]> producer, IngestMetrics metrics) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * A sink whose producer connects like the application's own producers do: Kafka Streams'
     * producer configuration for these properties (bootstrap servers, security, {@code producer.*}
     * overrides), then idempotence, {@code acks=all}, no transactional id, and client id
     * {@code <application.id>-model-dead-letters}.
     *
     * @param streamsProperties the application's Kafka Streams properties
     * @param metrics           counts failed sends
     * @return the sink
     */
    public static KafkaDeadLetterSink create(Properties streamsProperties, IngestMetrics metrics) {
        return new KafkaDeadLetterSink(new KafkaProducer<>(producerConfig(streamsProperties), new ByteArraySerializer(),
                new ByteArraySerializer()), metrics);
    }

    /**
     * @param streamsProperties the application's Kafka Streams properties
     * @return the producer configuration of {@link #create}
     */
    static Map<String, Object> producerConfig(Properties streamsProperties) {
        StreamsConfig streams = new StreamsConfig(streamsProperties);
        String clientId = streams.getString(StreamsConfig.APPLICATION_ID_CONFIG) + "-model-dead-letters";
        Map<String, Object> p = new HashMap<>(streams.getProducerConfigs(clientId));
        p.keySet().retainAll(ProducerConfig.configNames());
        p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        p.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        p.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // Kafka Streams' exactly-once default (no delivery timeout) would hide a lost dead letter until close.
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        return p;
    }

    @Override
    public void send(ProducerRecord<byte[], byte[]> deadLetter) {
        try {
            producer.send(deadLetter, (meta, e) -> {
                if (e != null) {
                    failed(deadLetter, e);
                }
            });
        } catch (RuntimeException e) {
            failed(deadLetter, e);
        }
    }

    private void failed(ProducerRecord<byte[], byte[]> deadLetter, Exception e) {
        if (DeadLetters.header(deadLetter.headers(), DeadLetters.HEADER_TOPIC) == null) {
            metrics.deadLetterSendFailed(deadLetter.topic(), "accepted");
            LOG.error("could not write the accepted spec of {} to {}; it is written again at the next start", deadLetter.key()
                    == null ? null : new String(deadLetter.key(), java.nio.charset.StandardCharsets.UTF_8), deadLetter.topic(), e);
            return;
        }
        String topic = String.valueOf(DeadLetters.header(deadLetter.headers(), DeadLetters.HEADER_TOPIC));
        String stage = String.valueOf(DeadLetters.header(deadLetter.headers(), DeadLetters.HEADER_STAGE));
        metrics.deadLetterSendFailed(topic, stage);
        LOG.error("could not write the dead letter of {}-{}@{} ({}) to {}; it is lost", topic,
                DeadLetters.header(deadLetter.headers(), DeadLetters.HEADER_PARTITION),
                DeadLetters.header(deadLetter.headers(), DeadLetters.HEADER_OFFSET), stage, deadLetter.topic(), e);
    }

    /** Waits up to 30 s for the sends in flight, then closes the producer. */
    @Override
    public void close() {
        producer.close(CLOSE_TIMEOUT);
    }
}
