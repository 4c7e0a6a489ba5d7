package io.chainplan.ingest.topology;

import io.chainplan.schemas.serde.DeadLetters;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Where the record being processed was read, and the dead letter of a bad one: the one place
 * that builds ingest's dead letters, for the topology's dead-letter branches
 * ({@link DeadLetterProcessor}) and for the global model store ({@link ModelStoreUpdater}).
 *
 * @param topic     source topic
 * @param partition source partition, -1 if unknown
 * @param offset    source offset, -1 if unknown
 */
record RecordSource(String topic, int partition, long offset) {
    /**
     * @param context       the processor's context
     * @param fallbackTopic the topic to name when Kafka Streams reports no record metadata
     * @return where the current record was read
     */
    static RecordSource of(ProcessorContext<?, ?> context, String fallbackTopic) {
        RecordMetadata meta = context.recordMetadata().orElse(null);
        return meta == null ? new RecordSource(fallbackTopic, -1, -1) : new RecordSource(meta.topic(), meta.partition(), meta.offset());
    }

    /** @return {@code topic-partition@offset} */
    String where() {
        return topic + "-" + partition + "@" + offset;
    }

    /**
     * @param deadLetterTopic where dead letters go
     * @param key             the original key bytes
     * @param value           the original value bytes
     * @param timestamp       the original timestamp (negative: none)
     * @param headers         the original headers
     * @param stage           where it failed
     * @param error           why it failed
     * @return the dead letter: original key, value, timestamp and headers (without any old
     *         {@code chainplan.error.*} ones), then the {@link DeadLetters} headers naming this source
     */
    ProducerRecord<byte[], byte[]> deadLetter(String deadLetterTopic, byte[] key, byte[] value, long timestamp, Headers headers,
                                              String stage, RuntimeException error) {
        Headers errors = DeadLetters.of(deadLetterTopic, topic, partition, offset, key, value, stage, error).headers();
        return new ProducerRecord<>(deadLetterTopic, null, timestamp < 0 ? null : timestamp, key, value, merge(headers, errors));
    }

    private static Headers merge(Headers original, Headers errors) {
        RecordHeaders out = new RecordHeaders();
        for (Header h : original) {
            if (!h.key().startsWith(DeadLetters.PREFIX)) {
                out.add(h);
            }
        }
        for (Header h : errors) {
            out.add(h);
        }
        return out;
    }
}
