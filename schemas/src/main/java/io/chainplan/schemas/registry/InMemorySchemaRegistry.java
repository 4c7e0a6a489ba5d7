package io.chainplan.schemas.registry;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * A {@link SchemaRegistry} held in memory, for unit tests and {@code TopologyTestDriver}: the rules
 * of {@link RegistryState}, which the embedded server and Confluent's follow too (global ids
 * starting at 1, the same id for the same schema text, BACKWARD compatibility by default, soft
 * and permanent deletes, the same error codes). Thread-safe.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {
    private final RegistryState state = new RegistryState();

    /** Creates an empty registry with BACKWARD compatibility. */
    public InMemorySchemaRegistry() {
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        return state.register(subject, schema).id();
    }

    @Override
    public synchronized Schema schemaById(int id) {
        return state.schemaById(id);
    }

    @Override
    public synchronized Optional<RegisteredSchema> latest(String subject) {
        return state.latest(subject);
    }

    @Override
    public synchronized boolean isCompatible(String subject, Schema schema) {
        return state.isCompatible(subject, schema);
    }

    /**
     * @param subject subject name
     * @return the subject's live versions, oldest first
     * @throws SchemaRegistryException 40401 if the subject has none
     */
    public synchronized List<RegisteredSchema> versions(String subject) {
        return state.versions(subject);
    }

    /**
     * @return subjects with at least one live version, sorted
     */
    public synchronized List<String> subjects() {
        return state.subjects();
    }

    /**
     * Sets the compatibility level of one subject, or the global level.
     *
     * @param subject subject name, or null for the global level
     * @param level   the level
     */
    public synchronized void setCompatibility(String subject, CompatibilityLevel level) {
        state.setLevel(subject, level);
    }

    /**
     * Deletes a subject as {@code DELETE /subjects/{s}[?permanent=true]} does.
     *
     * @param subject   subject name
     * @param permanent false for a soft delete (ids still resolve), true to remove soft-deleted versions for good
     * @return the versions deleted
     * @throws SchemaRegistryException 40401, 40404 or 40405 (see {@link RegistryState#planDeleteSubject})
     */
    public synchronized List<Integer> deleteSubject(String subject, boolean permanent) {
        return state.apply(state.planDeleteSubject(subject, permanent));
    }
}
