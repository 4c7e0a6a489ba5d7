package io.chainplan.schemas.registry;

import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The subset of the Confluent Schema Registry that chainplan needs (DESIGN.md 2.2): register a
 * schema version under a subject, look a schema up by its global id, read a subject's latest
 * version and check compatibility before registering.
 * <p>Implementations: {@link InMemorySchemaRegistry} for unit tests, {@link RestSchemaRegistryClient}
 * for a Confluent-compatible server (including the embedded registry server of the {@code local} module). All methods throw
 * {@link SchemaRegistryException} (carrying the registry's error code) on failure. Thread-safe.
 */
public interface SchemaRegistry {

    /**
     * Registers {@code schema} under {@code subject}, or returns the id it already has.
     * Registering the same schema text twice gives the same id.
     *
     * @param subject subject name, e.g. {@code chainplan.plans-value}
     * @param schema  the Avro schema
     * @return the schema's global id
     * @throws SchemaRegistryException with code 40901 (409 from servers before Confluent Platform 8.2;
     *                                 {@link SchemaRegistryException#isIncompatible()}) if incompatible
     *                                 with the subject's versions, 42201 if the schema is invalid
     */
    int register(String subject, Schema schema);

    /**
     * Looks up a schema by its global id.
     *
     * @param id global schema id from the wire format
     * @return the schema
     * @throws SchemaRegistryException with code 40403 if there is no such id
     */
    Schema schemaById(int id);

    /**
     * Returns the latest version registered under a subject.
     *
     * @param subject subject name
     * @return the latest live version, or empty if the subject has none (unknown or soft-deleted)
     */
    Optional<RegisteredSchema> latest(String subject);

    /**
     * Tells whether {@code schema} could be registered under {@code subject} given the subject's
     * compatibility level (BACKWARD by default). A subject without versions accepts any schema.
     *
     * @param subject subject name
     * @param schema  candidate schema
     * @return true if compatible
     */
    boolean isCompatible(String subject, Schema schema);
}
