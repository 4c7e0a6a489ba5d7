package io.chainplan.schemas.serde;

import io.chainplan.schemas.registry.SchemaRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Factories for Confluent-wire-format Avro serdes. */
public final class AvroSerdes {
    private AvroSerdes() {
    }

    /**
     * A serde for a generated Avro record class.
     *
     * @param type     record class, e.g. {@code ChainPlan.class}
     * @param registry schema registry (in-memory in unit tests, REST otherwise)
     * @param isKey    true for keys (subject {@code <topic>-key}), false for values
     * @param <T>      record type
     * @return the serde
     */
    public static <T extends SpecificRecord> Serde<T> specific(Class<T> type, SchemaRegistry registry, boolean isKey) {
        return new AvroSerde<>(type, registry, isKey);
    }
}
