package io.chainplan.schemas.serde;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds dead-letter records (STYLE.md §6): the original key and value bytes, unchanged, with
 * headers naming the source topic, partition, offset, processing stage, exception class and
 * message, after Kafka Connect's {@code DeadLetterQueueReporter} but under the prefix
 * {@code chainplan.error.}. Header values are UTF-8 strings.
 */
public final class DeadLetters {
    /** Header prefix. */
    public static final String PREFIX = "chainplan.error.";
    /** Source topic. */
    public static final String HEADER_TOPIC = PREFIX + "topic";
    /** Source partition (decimal). */
    public static final String HEADER_PARTITION = PREFIX + "partition";
    /** Source offset (decimal). */
    public static final String HEADER_OFFSET = PREFIX + "offset";
    /** Processing stage, e.g. {@code deserialize}, {@code validate}. */
    public static final String HEADER_STAGE = PREFIX + "stage";
    /** Fully qualified exception class. */
    public static final String HEADER_EXCEPTION_CLASS = PREFIX + "exception.class";
    /** Exception message (truncated to {@link #MAX_MESSAGE_CHARS}). */
    public static final String HEADER_EXCEPTION_MESSAGE = PREFIX + "exception.message";
    /** Longest exception message kept in a header. */
    public static final int MAX_MESSAGE_CHARS = 4000;

    private DeadLetters() {
    }

    /**
     * A dead letter for a consumed record.
     *
     * @param deadLetterTopic topic to send to, e.g. {@code topics.deadLetters()}
     * @param original        the record as consumed (raw bytes)
     * @param stage           where it failed, e.g. {@code deserialize}
     * @param error           why it failed
     * @return the record to produce
     */
    public static ProducerRecord<byte[], byte[]> of(String deadLetterTopic, ConsumerRecord<byte[], byte[]> original,
                                                    String stage, Throwable error) {
        Objects.requireNonNull(original, "original");
        return of(deadLetterTopic, original.topic(), original.partition(), original.offset(),
                original.key(), original.value(), stage, error);
    }

    /**
     * A dead letter from the parts of a failed record.
     *
     * @param deadLetterTopic topic to send to
     * @param topic           source topic
     * @param partition       source partition (-1 if unknown)
     * @param offset          source offset (-1 if unknown)
     * @param key             original key bytes (may be null)
     * @param value           original value bytes (may be null)
     * @param stage           where it failed
     * @param error           why it failed
     * @return the record to produce, keyed by the original key bytes
     */
    public static ProducerRecord<byte[], byte[]> of(String deadLetterTopic, String topic, int partition, long offset,
                                                    byte[] key, byte[] value, String stage, Throwable error) {
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(error, "error");
        Headers headers = new RecordHeaders();
        add(headers, HEADER_TOPIC, topic);
        add(headers, HEADER_PARTITION, Integer.toString(partition));
        add(headers, HEADER_OFFSET, Long.toString(offset));
        add(headers, HEADER_STAGE, stage);
        add(headers, HEADER_EXCEPTION_CLASS, error.getClass().getName());
        add(headers, HEADER_EXCEPTION_MESSAGE, truncate(String.valueOf(error.getMessage())));
        return new ProducerRecord<>(deadLetterTopic, null, null, key, value, headers);
    }

    /**
     * Reads one header as a string.
     *
     * @param headers record headers
     * @param name    header name, e.g. {@link #HEADER_TOPIC}
     * @return the last value of the header, or null if absent
     */
    public static String header(Headers headers, String name) {
        var h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void add(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String truncate(String s) {
        return s.length() <= MAX_MESSAGE_CHARS ? s : s.substring(0, MAX_MESSAGE_CHARS);
    }
}
