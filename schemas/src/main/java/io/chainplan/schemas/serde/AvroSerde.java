package io.chainplan.schemas.serde;

import io.chainplan.schemas.registry.SchemaRegistry;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serde} pairing {@link AvroSerializer} and {@link AvroDeserializer} for one Avro
 * specific record type. Build with {@link AvroSerdes#specific(Class, SchemaRegistry, boolean)}.
 *
 * @param <T> the record type
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;

    /**
     * @param type     record class
     * @param registry schema registry
     * @param isKey    true for keys
     */
    public AvroSerde(Class<T> type, SchemaRegistry registry, boolean isKey) {
        Objects.requireNonNull(type, "type");
        this.serializer = new AvroSerializer<>(registry, isKey);
        this.deserializer = new AvroDeserializer<>(type, registry);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
