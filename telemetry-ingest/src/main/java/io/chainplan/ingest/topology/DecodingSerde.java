package io.chainplan.ingest.topology;

import io.chainplan.schemas.serde.RegistryUnavailableException;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source serde that never throws for a bad record: it wraps a value deserializer and returns a
 * {@link Decoded} holding the original bytes and either the value (with its event time) or the
 * exception. Bad bytes thus reach the topology, where they are dead-lettered with their bytes and
 * headers, instead of stopping the stream thread. The serializer writes the original bytes back.
 * <p>A record that cannot be decoded because the schema registry is unavailable
 * ({@link RegistryUnavailableException}) is not bad and must not be dead-lettered:
 * <ul>
 *   <li>for a stream thread's source ({@link #DecodingSerde(Deserializer, ToLongFunction)}) the
 *       exception propagates; Kafka Streams hands it to the deserialization-exception handler,
 *       which answers {@code FAIL} for it ({@link DeadLetterExceptionHandlers}), the thread dies
 *       and is replaced, and the task starts again from its last committed offset (under
 *       exactly-once its open transaction is aborted), so the record is read again, not skipped;</li>
 *   <li>for the global model store's source ({@link #waitingForRegistry}) the global thread, which
 *       Kafka Streams cannot replace, keeps trying (each attempt waits out the deserializer's own
 *       backoff) while the application runs; only a refusal that retrying cannot cure (401, 403, ...)
 *       or the application closing lets the exception through, which stops the application.</li>
 * </ul>
 *
 * @param <T> value type
 */
public final class DecodingSerde<T> implements Serde<Decoded<T>> {
    private static final Logger LOG = LoggerFactory.getLogger(DecodingSerde.class);
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;

    private final Deserializer<T> inner;
    private final ToLongFunction<T> eventTime;
    private final BooleanSupplier waitForRegistry;
    private volatile long lastLogNanos = System.nanoTime() - LOG_EVERY_NANOS;

    /**
     * A serde for a stream thread's source: a registry outage propagates.
     *
     * @param inner     the real deserializer (e.g. an Avro one), may throw on bad bytes
     * @param eventTime reads the event time (ms since the epoch) from a decoded value
     */
    public DecodingSerde(Deserializer<T> inner, ToLongFunction<T> eventTime) {
        this(inner, eventTime, () -> false);
    }

    private DecodingSerde(Deserializer<T> inner, ToLongFunction<T> eventTime, BooleanSupplier waitForRegistry) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.eventTime = Objects.requireNonNull(eventTime, "eventTime");
        this.waitForRegistry = Objects.requireNonNull(waitForRegistry, "waitForRegistry");
    }

    /**
     * A serde for the global thread's source: a transient registry outage is waited out.
     *
     * @param inner     the real deserializer, which backs off between registry attempts
     * @param eventTime reads the event time from a decoded value
     * @param running   while true, keep waiting for the registry
     * @param <T>       value type
     * @return the serde
     */
    public static <T> DecodingSerde<T> waitingForRegistry(Deserializer<T> inner, ToLongFunction<T> eventTime,
                                                          BooleanSupplier running) {
        return new DecodingSerde<>(inner, eventTime, running);
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
        while (true) {
            try {
                return decodeOnce(topic, headers, bytes);
            } catch (RegistryUnavailableException e) {
                if (!e.retriable() || !waitForRegistry.getAsBoolean()) {
                    throw e;
                }
                logWaiting(e);
            }
        }
    }

    private Decoded<T> decodeOnce(String topic, Headers headers, byte[] bytes) {
        if (bytes == null) {
            return new Decoded<>(null, null, -1, null);
        }
        try {
            T value = headers == null ? inner.deserialize(topic, bytes) : inner.deserialize(topic, headers, bytes);
            if (value == null) {
                return new Decoded<>(bytes, null, -1, null);
            }
            return Decoded.ok(bytes, value, eventTime.applyAsLong(value));
        } catch (RegistryUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            return Decoded.failed(bytes, e);
        }
    }

    private void logWaiting(RegistryUnavailableException e) {
        long now = System.nanoTime();
        if (now - lastLogNanos >= LOG_EVERY_NANOS) {
            lastLogNanos = now;
            LOG.warn("{}; the global model store waits for the registry (logged once a minute)", e.getMessage());
        }
    }
}
