package io.chainplan.local.registry;

import io.chainplan.schemas.registry.CompatibilityLevel;
import io.chainplan.schemas.registry.RegisteredSchema;
import io.chainplan.schemas.registry.RegistryState;

/**
 * Where {@link EmbeddedSchemaRegistry} keeps its data: every registered version and every
 * compatibility change, replayed into a {@link RegistryState} at start.
 */
interface SchemaStore extends AutoCloseable {

    /** Replays everything stored so far into {@code state}, oldest first. */
    void replay(RegistryState state);

    /** Durably stores a new version before it becomes visible. */
    void appendSchema(RegisteredSchema schema);

    /** Durably stores a compatibility level ({@code subject} null for the global level). */
    void appendConfig(String subject, CompatibilityLevel level);

    @Override
    void close();

    /** A store that forgets everything on close: for tests of the HTTP layer. */
    static SchemaStore inMemory() {
        return new SchemaStore() {
            @Override
            public void replay(RegistryState state) {
            }

            @Override
            public void appendSchema(RegisteredSchema schema) {
            }

            @Override
            public void appendConfig(String subject, CompatibilityLevel level) {
            }

            @Override
            public void close() {
            }
        };
    }
}
