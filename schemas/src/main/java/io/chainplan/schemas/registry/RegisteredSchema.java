package io.chainplan.schemas.registry;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One version of a subject in a schema registry.
 *
 * @param subject subject name
 * @param version version within the subject, from 1
 * @param id      global schema id (the 4 bytes of the wire format)
 * @param schema  the schema
 */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {
    /** Validates the fields. */
    public RegisteredSchema {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1, was " + version);
        }
        if (id < 0) {
            throw new IllegalArgumentException("id must be >= 0, was " + id);
        }
    }
}
