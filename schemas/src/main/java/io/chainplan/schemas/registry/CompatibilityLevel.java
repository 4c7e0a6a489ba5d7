package io.chainplan.schemas.registry;

import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * Confluent compatibility levels, checked with Avro's {@link SchemaCompatibility}. BACKWARD: the
 * new schema can read data written with the latest one; FORWARD: data written with the new schema
 * can be read with the latest one; FULL: both. The _TRANSITIVE variants check all earlier versions.
 */
public enum CompatibilityLevel {
    /** No check. */
    NONE,
    /** New reads latest (the default). */
    BACKWARD,
    /** New reads all earlier versions. */
    BACKWARD_TRANSITIVE,
    /** Latest reads new. */
    FORWARD,
    /** All earlier versions read new. */
    FORWARD_TRANSITIVE,
    /** Both directions against the latest. */
    FULL,
    /** Both directions against all earlier versions. */
    FULL_TRANSITIVE;

    /**
     * Parses a level name, case-insensitively.
     *
     * @param name level name, e.g. {@code backward}
     * @return the level
     * @throws SchemaRegistryException 42203 if the name is not a level
     */
    public static CompatibilityLevel parse(String name) {
        try {
            return valueOf(String.valueOf(name).trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SchemaRegistryException(SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL,
                    "Invalid compatibility level: " + name);
        }
    }

    /**
     * Checks a candidate against a subject's existing versions, oldest first.
     *
     * @param candidate new schema
     * @param existing  registered versions of the subject, oldest first
     * @return true if the candidate may be registered
     */
    public boolean isCompatible(Schema candidate, List<Schema> existing) {
        if (this == NONE || existing.isEmpty()) {
            return true;
        }
        List<Schema> against = name().endsWith("_TRANSITIVE") ? existing : List.of(existing.get(existing.size() - 1));
        for (Schema old : against) {
            if (!compatibleWith(candidate, old)) {
                return false;
            }
        }
        return true;
    }

    private boolean compatibleWith(Schema candidate, Schema old) {
        boolean backward = this == BACKWARD || this == BACKWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
        boolean forward = this == FORWARD || this == FORWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
        return (!backward || readable(candidate, old)) && (!forward || readable(old, candidate));
    }

    private static boolean readable(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
                == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }
}
