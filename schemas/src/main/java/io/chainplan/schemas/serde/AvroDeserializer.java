package io.chainplan.schemas.serde;

import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer for Avro specific records in the Confluent wire format. The writer schema is
 * fetched from the registry by the id in the bytes and resolved against the reader schema of
 * {@code T} (Avro schema resolution), so records from older and newer producers both read.
 * Schemas and resolving readers are cached per id. Null bytes deserialize to null (tombstones).
 * <p>Two kinds of failure, told apart by type:
 * <ul>
 *   <li>the record is bad: wrong magic byte, fewer than 5 bytes, a schema id the registry answers
 *       is unknown (40403) or whose schema it cannot parse (42201), Avro data that does not resolve
 *       or decode: {@link WireFormatException} naming topic, id and cause (dead-letter it);</li>
 *   <li>the registry is unavailable: the writer-schema fetch failed transiently (no answer,
 *       5xx, 408, 429) for longer than the {@link RegistryRetry} waits, or the registry refused
 *       the request (401, 403, a 404 without a registry error code, ...):
 *       {@link RegistryUnavailableException} (read the record again later; never dead-letter it).</li>
 * </ul>
 * Thread-safe.
 *
 * @param <T> the record type
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private final SchemaRegistry registry;
    private final RegistryRetry retry;
    private final Schema readerSchema;
    private final SpecificData data;
    private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();
    /** One decoder per thread, re-pointed at each record's bytes instead of allocated per record. */
    private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

    /**
     * A deserializer that waits out transient registry failures as {@link RegistryRetry#DEFAULT} does.
     *
     * @param type     the generated record class to read into
     * @param registry where writer schemas are looked up by id
     */
    public AvroDeserializer(Class<T> type, SchemaRegistry registry) {
        this(type, registry, RegistryRetry.DEFAULT);
    }

    /**
     * @param type     the generated record class to read into
     * @param registry where writer schemas are looked up by id
     * @param retry    how long to wait out a transient registry failure before giving up on a record
     */
    public AvroDeserializer(Class<T> type, SchemaRegistry registry, RegistryRetry retry) {
        Objects.requireNonNull(type, "type");
        AvroClassTrust.trustPackageOf(type);
        this.registry = Objects.requireNonNull(registry, "registry");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.data = SpecificData.getForClass(type);
        this.readerSchema = data.getSchema(type);
    }

    /**
     * @return the schema records are read into
     */
    public Schema readerSchema() {
        return readerSchema;
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length < WireFormat.HEADER_BYTES) {
            throw new WireFormatException(topic, WireFormatException.NO_SCHEMA_ID,
                    "too short for the wire format: " + bytes.length + " bytes, need at least " + WireFormat.HEADER_BYTES, null);
        }
        if (bytes[0] != WireFormat.MAGIC_BYTE) {
            throw new WireFormatException(topic, WireFormatException.NO_SCHEMA_ID,
                    "unknown magic byte " + bytes[0] + ", expected " + WireFormat.MAGIC_BYTE, null);
        }
        int id = ((bytes[1] & 0xff) << 24) | ((bytes[2] & 0xff) << 16) | ((bytes[3] & 0xff) << 8) | (bytes[4] & 0xff);
        SpecificDatumReader<T> reader = reader(topic, id);
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, WireFormat.HEADER_BYTES,
                    bytes.length - WireFormat.HEADER_BYTES, decoders.get());
            decoders.set(decoder);
            return reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException(topic, id, "cannot decode as " + readerSchema.getFullName(), e);
        }
    }

    private SpecificDatumReader<T> reader(String topic, int id) {
        SpecificDatumReader<T> cached = readers.get(id);
        if (cached != null) {
            return cached;
        }
        Schema writer = writerSchema(topic, id);
        SchemaCompatibility.SchemaPairCompatibility compat =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        if (compat.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new WireFormatException(topic, id, "writer schema " + writer.getFullName()
                    + " does not resolve against reader schema " + readerSchema.getFullName() + ": "
                    + compat.getResult().getIncompatibilities(), null);
        }
        SpecificDatumReader<T> reader = new SpecificDatumReader<>(writer, readerSchema, data);
        readers.put(id, reader);
        return reader;
    }

    /** The writer schema of an id; only an answer about the id itself makes the record bad. */
    private Schema writerSchema(String topic, int id) {
        try {
            return retry.call(() -> registry.schemaById(id));
        } catch (SchemaRegistryException e) {
            if (e.errorCode() == SchemaRegistryException.SCHEMA_NOT_FOUND
                    || e.errorCode() == SchemaRegistryException.INVALID_SCHEMA) {
                throw new WireFormatException(topic, id, "cannot fetch writer schema", e);
            }
            throw new RegistryUnavailableException(topic, id, "cannot fetch writer schema", e);
        } catch (RuntimeException e) {
            throw new RegistryUnavailableException(topic, id, "cannot fetch writer schema", e);
        }
    }
}
