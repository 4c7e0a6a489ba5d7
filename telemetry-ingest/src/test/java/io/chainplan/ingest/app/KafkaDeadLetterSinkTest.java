package io.chainplan.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.ingest.testing.RecordingIngestMetrics;
import io.chainplan.schemas.serde.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class KafkaDeadLetterSinkTest {
    private final RecordingIngestMetrics metrics = new RecordingIngestMetrics();
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final KafkaDeadLetterSink sink = new KafkaDeadLetterSink(producer, metrics);

    private static ProducerRecord<byte[], byte[]> letter() {
        return DeadLetters.of("chainplan.dead-letters", "chainplan.models", 0, 7, "m".getBytes(StandardCharsets.UTF_8),
                "not avro".getBytes(StandardCharsets.UTF_8), "deserialize", new IllegalArgumentException("bad"));
    }

    @Test
    void shouldSendTheDeadLetterUnchanged() {
        ProducerRecord<byte[], byte[]> letter = letter();
        sink.send(letter);
        producer.completeNext();
        assertThat(producer.history()).containsExactly(letter);
        assertThat(metrics.count("deadSendFailed:chainplan.models:deserialize")).isZero();
    }

    @Test
    void shouldCountAFailedSendInsteadOfThrowing() {
        sink.send(letter());
        producer.errorNext(new TimeoutException("broker gone"));
        assertThat(metrics.count("deadSendFailed:chainplan.models:deserialize")).isEqualTo(1);
    }

    @Test
    void shouldCountASendToAClosedProducerInsteadOfThrowing() {
        sink.close();
        sink.send(letter());
        assertThat(producer.closed()).isTrue();
        assertThat(metrics.count("deadSendFailed:chainplan.models:deserialize")).isEqualTo(1);
    }

    @Test
    void shouldConfigureAnIdempotentNonTransactionalProducerFromTheStreamsProperties() {
        Properties streams = new Properties();
        streams.put(StreamsConfig.APPLICATION_ID_CONFIG, "ingest");
        streams.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092");
        streams.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        streams.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "zstd");
        streams.put("chainplan.ingest.something", "not for a producer");

        Map<String, Object> p = KafkaDeadLetterSink.producerConfig(streams);

        assertThat(p).containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092")
                .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "ingest-model-dead-letters")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd")
                .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000)
                .doesNotContainKeys(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "chainplan.ingest.something",
                        StreamsConfig.APPLICATION_ID_CONFIG);
    }
}
