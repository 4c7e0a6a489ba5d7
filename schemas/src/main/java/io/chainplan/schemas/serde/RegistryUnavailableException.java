package io.chainplan.schemas.serde;

import io.chainplan.schemas.registry.SchemaRegistryException;
import java.util.Objects;
import java.util.Optional;

/**
 * The schema registry could not be used for a record: no usable answer to the writer-schema
 * fetch (or to a registration) after the {@link RegistryRetry} waits. The record itself is not known
 * to be bad, so it must never be dead-lettered, skipped or counted as unreadable: a consumer stops
 * and reads it again later (Kafka Streams: the task stops without committing past it; the
 * optimizer and {@link TopicReader}: the consumer is rewound to it). Deliberately not a Kafka
 * {@code SerializationException}, which consumers and Kafka Streams' handlers treat as a bad record;
 * {@link WireFormatException} is the bad-record type.
 * <p>{@link #retriable()} is false when the registry answered with a refusal that retrying cannot
 * cure (401 or 403: credentials; a 404 without a registry error code: a wrong URL): the consumer
 * should then stop with this message instead of retrying forever.
 */
public final class RegistryUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final int schemaId;
    private final boolean retriable;

    /**
     * @param topic    topic of the record
     * @param schemaId schema id of the record, or {@link WireFormatException#NO_SCHEMA_ID}
     * @param what     what could not be done, e.g. {@code cannot fetch writer schema}
     * @param cause    the registry's failure
     */
    public RegistryUnavailableException(String topic, int schemaId, String what, RuntimeException cause) {
        super(message(topic, schemaId, what, cause), Objects.requireNonNull(cause, "cause"));
        this.topic = topic;
        this.schemaId = schemaId;
        this.retriable = cause instanceof SchemaRegistryException e && e.isTransient();
    }

    private static String message(String topic, int schemaId, String what, RuntimeException cause) {
        String id = schemaId == WireFormatException.NO_SCHEMA_ID ? "" : " id " + schemaId;
        return "schema registry unavailable: " + what + id + " for topic " + topic + ": " + cause.getMessage();
    }

    /**
     * @return the topic of the record that needed the registry
     */
    public String topic() {
        return topic;
    }

    /**
     * @return the record's schema id, or {@link WireFormatException#NO_SCHEMA_ID}
     */
    public int schemaId() {
        return schemaId;
    }

    /**
     * @return whether the registry failed in a way that retrying may cure (no answer, 5xx, 408,
     *         429; see {@link SchemaRegistryException#isTransient()})
     */
    public boolean retriable() {
        return retriable;
    }

    /**
     * @param t an exception, for example one Kafka Streams wrapped
     * @return the first {@link RegistryUnavailableException} in its cause chain
     */
    public static Optional<RegistryUnavailableException> in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof RegistryUnavailableException r) {
                return Optional.of(r);
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return Optional.empty();
    }
}
