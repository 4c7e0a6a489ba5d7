package io.chainplan.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * What an {@link AvroDeserializer} (and {@link AvroSerializer}) throws for a bad record: the bytes
 * are not in the Confluent wire format (wrong magic byte, too short), a healthy registry answers
 * that the schema id is unknown (40403), or the Avro data does not resolve against the reader
 * schema. The message names the topic, the schema id and the cause, so dead-letter handlers
 * ({@link DeadLetters}) can report it. A registry that cannot be reached is not the record's
 * fault and is reported as {@link RegistryUnavailableException} instead.
 * <p>Extends Kafka's {@link SerializationException} so that consumers and Kafka Streams'
 * deserialization-exception handlers treat it as a bad record.
 */
public final class WireFormatException extends SerializationException {
    private static final long serialVersionUID = 1L;

    /** Schema id value used when the bytes were too short to carry one. */
    public static final int NO_SCHEMA_ID = -1;

    private final String topic;
    private final int schemaId;

    /**
     * @param topic    topic of the record
     * @param schemaId schema id read from the bytes, or {@link #NO_SCHEMA_ID}
     * @param reason   what is wrong
     * @param cause    underlying failure, or null
     */
    public WireFormatException(String topic, int schemaId, String reason, Throwable cause) {
        super(message(topic, schemaId, reason, cause), cause);
        this.topic = topic;
        this.schemaId = schemaId;
    }

    private static String message(String topic, int schemaId, String reason, Throwable cause) {
        String id = schemaId == NO_SCHEMA_ID ? "none" : Integer.toString(schemaId);
        String tail = cause == null ? "" : ": " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return "topic " + topic + ", schema id " + id + ": " + reason + tail;
    }

    /**
     * @return topic of the record
     */
    public String topic() {
        return topic;
    }

    /**
     * @return schema id from the bytes, or {@link #NO_SCHEMA_ID} if there was none
     */
    public int schemaId() {
        return schemaId;
    }
}
