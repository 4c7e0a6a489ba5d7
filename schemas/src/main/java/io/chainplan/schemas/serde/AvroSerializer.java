package io.chainplan.schemas.serde;

import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer for Avro specific records in the Confluent wire format (magic byte 0, 4-byte
 * big-endian schema id, Avro binary). The record's schema is registered under
 * {@code <topic>-value} (or {@code -key}) on first use; the id is cached per subject.
 * A null value serializes to null (a tombstone). A registration refused for the schema itself
 * (incompatible, invalid) and a record that does not encode throw {@link WireFormatException}; a
 * registry that does not answer usefully, after the {@link RegistryRetry} waits, throws
 * {@link RegistryUnavailableException}. Thread-safe.
 *
 * @param <T> the record type
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {
    private final SchemaRegistry registry;
    private final boolean isKey;
    private final RegistryRetry retry;
    private final Map<String, Map<Schema, Integer>> ids = new ConcurrentHashMap<>();
    private final Map<Schema, SpecificDatumWriter<T>> writers = new ConcurrentHashMap<>();

    /**
     * @param registry where schemas are registered
     * @param isKey    true to serialize keys (subject {@code <topic>-key})
     */
    public AvroSerializer(SchemaRegistry registry, boolean isKey) {
        this(registry, isKey, RegistryRetry.DEFAULT);
    }

    /**
     * @param registry where schemas are registered
     * @param isKey    true to serialize keys (subject {@code <topic>-key})
     * @param retry    how long to wait out a transient registry failure before giving up
     */
    public AvroSerializer(SchemaRegistry registry, boolean isKey, RegistryRetry retry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.isKey = isKey;
        this.retry = Objects.requireNonNull(retry, "retry");
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        AvroClassTrust.trustPackageOf(data.getClass());
        Schema schema = data.getSchema();
        int id = schemaId(topic, schema);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(64);
            out.write(WireFormat.MAGIC_BYTE);
            out.write(id >>> 24);
            out.write(id >>> 16);
            out.write(id >>> 8);
            out.write(id);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer(schema, data).write(data, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException(topic, id, "cannot encode " + schema.getFullName(), e);
        }
    }

    private int schemaId(String topic, Schema schema) {
        String subject = WireFormat.subject(topic, isKey);
        Map<Schema, Integer> bySchema = ids.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer id = bySchema.get(schema);
        if (id != null) {
            return id;
        }
        String what = "cannot register " + schema.getFullName() + " under subject " + subject;
        try {
            int registered = retry.call(() -> registry.register(subject, schema));
            bySchema.put(schema, registered);
            return registered;
        } catch (SchemaRegistryException e) {
            if (e.isTransient() || e.httpStatus() == 401 || e.httpStatus() == 403) {
                throw new RegistryUnavailableException(topic, WireFormatException.NO_SCHEMA_ID, what, e);
            }
            throw new WireFormatException(topic, WireFormatException.NO_SCHEMA_ID, what, e);
        }
    }

    private SpecificDatumWriter<T> writer(Schema schema, T data) {
        return writers.computeIfAbsent(schema, s -> new SpecificDatumWriter<>(s, SpecificData.getForClass(data.getClass())));
    }
}
