package io.chainplan.local.registry;

import io.chainplan.schemas.registry.RegistryState;

/**
 * Where {@link EmbeddedSchemaRegistry} keeps its data: every {@link RegistryState.Change}
 * (registrations, deletions, compatibility levels, modes), replayed into a {@link RegistryState}
 * at start.
 */
interface SchemaStore extends AutoCloseable {

    /** Replays everything stored so far into {@code state}, oldest first. */
    void replay(RegistryState state);

    /** Durably stores a change before it becomes visible. */
    void append(RegistryState.Change change);

    @Override
    void close();

    /** A store that forgets everything on close: for tests of the HTTP layer. */
    static SchemaStore inMemory() {
        return new SchemaStore() {
            @Override
            public void replay(RegistryState state) {
            }

            @Override
            public void append(RegistryState.Change change) {
            }

            @Override
            public void close() {
            }
        };
    }
}
