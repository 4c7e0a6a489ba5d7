package io.chainplan.ingest.topology;

import java.util.Objects;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A source serde that never throws: it wraps a value deserializer and returns a {@link Decoded}
 * holding the original bytes and either the value (with its event time) or the exception. Bad
 * bytes thus reach the topology, where they are dead-lettered with their bytes and headers,
 * instead of stopping the stream thread. The serializer writes the original bytes back.
 *
 * @param <T> value type
 */
public final class DecodingSerde<T> implements Serde<Decoded<T>> {
    private final Deserializer<T> inner;
    private final ToLongFunction<T> eventTime;

    /**
     * @param inner     the real deserializer (e.g. an Avro one), may throw on bad bytes
     * @param eventTime reads the event time (ms since the epoch) from a decoded value
     */
    public DecodingSerde(Deserializer<T> inner, ToLongFunction<T> eventTime) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.eventTime = Objects.requireNonNull(eventTime, "eventTime");
    }

    @Override
    public Serializer<Decoded<T>> serializer() {
        return (topic, d) -> d == null ? null : d.raw();
    }

    @Override
    public Deserializer<Decoded<T>> deserializer() {
        return new Deserializer<>() {
            @Override
            public Decoded<T> deserialize(String topic, byte[] bytes) {
                return decode(topic, null, bytes);
            }

            @Override
            public Decoded<T> deserialize(String topic, Headers headers, byte[] bytes) {
                return decode(topic, headers, bytes);
            }
        };
    }

    private Decoded<T> decode(String topic, Headers headers, byte[] bytes) {
        if (bytes == null) {
            return new Decoded<>(null, null, -1, null);
        }
        try {
            T value = headers == null ? inner.deserialize(topic, bytes) : inner.deserialize(topic, headers, bytes);
            if (value == null) {
                return new Decoded<>(bytes, null, -1, null);
            }
            return Decoded.ok(bytes, value, eventTime.applyAsLong(value));
        } catch (RuntimeException e) {
            return Decoded.failed(bytes, e);
        }
    }
}
