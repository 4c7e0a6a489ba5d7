package io.chainplan.local.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.schemas.registry.CompatibilityLevel;
import io.chainplan.schemas.registry.RegisteredSchema;
import io.chainplan.schemas.registry.RegistryState;
import io.chainplan.schemas.registry.SchemaRegistryContract;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code _schemas} records in Confluent's layout, both ways. */
class SchemasTopicRecordsTest {
    private static final RegisteredSchema V1 = new RegisteredSchema("m-value", 1, 7, SchemaRegistryContract.V1);

    @Test
    void shouldWriteConfluentsKeysAndValues() {
        SchemasTopicRecords.Encoded stored = SchemasTopicRecords.encode(new RegistryState.VersionStored(V1, true));
        SchemasTopicRecords.Encoded removed = SchemasTopicRecords.encode(new RegistryState.VersionRemoved("m-value", 1));
        SchemasTopicRecords.Encoded marker = SchemasTopicRecords.encode(new RegistryState.SubjectDeleted("m-value", 3));
        SchemasTopicRecords.Encoded global = SchemasTopicRecords.encode(new RegistryState.GlobalLevelSet(CompatibilityLevel.FULL));
        SchemasTopicRecords.Encoded mode = SchemasTopicRecords.encode(new RegistryState.ModeRemoved("m-value"));

        assertThat(stored.key()).isEqualTo("{\"keytype\":\"SCHEMA\",\"subject\":\"m-value\",\"version\":1,\"magic\":1}");
        assertThat(stored.value()).startsWith("{\"subject\":\"m-value\",\"version\":1,\"id\":7,\"schema\":")
                .endsWith(",\"deleted\":true}");
        assertThat(removed.key()).isEqualTo(stored.key());
        assertThat(removed.value()).isNull();
        assertThat(marker.key()).isEqualTo("{\"keytype\":\"DELETE_SUBJECT\",\"subject\":\"m-value\",\"magic\":0}");
        assertThat(marker.value()).isEqualTo("{\"subject\":\"m-value\",\"version\":3}");
        assertThat(global.key()).isEqualTo("{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}");
        assertThat(global.value()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
        assertThat(mode.key()).isEqualTo("{\"keytype\":\"MODE\",\"subject\":\"m-value\",\"magic\":0}");
        assertThat(mode.value()).isNull();
    }

    @Test
    void shouldReadBackEveryChange() {
        List<RegistryState.Change> changes = List.of(new RegistryState.VersionStored(V1, false),
                new RegistryState.VersionStored(V1, true), new RegistryState.VersionRemoved("m-value", 1),
                new RegistryState.SubjectDeleted("m-value", 2), new RegistryState.LevelSet("m-value", CompatibilityLevel.NONE),
                new RegistryState.LevelRemoved("m-value"), new RegistryState.GlobalLevelSet(CompatibilityLevel.FORWARD),
                new RegistryState.ModeSet("m-value", "READWRITE"), new RegistryState.ModeRemoved("m-value"));

        for (RegistryState.Change c : changes) {
            SchemasTopicRecords.Encoded e = SchemasTopicRecords.encode(c);
            assertThat(SchemasTopicRecords.decode(e.key(), e.value())).contains(c);
        }
    }

    @Test
    void shouldReadAGlobalConfigTombstoneAsTheDefaultAndIgnoreOtherRecordKinds() {
        assertThat(SchemasTopicRecords.decode("{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}", null))
                .contains(new RegistryState.GlobalLevelSet(RegistryState.DEFAULT_LEVEL));
        assertThat(SchemasTopicRecords.decode("{\"keytype\":\"NOOP\",\"magic\":0}", "{}")).isEmpty();
        assertThat(SchemasTopicRecords.decode("{\"keytype\":\"MODE\",\"subject\":null,\"magic\":0}",
                "{\"mode\":\"READWRITE\"}")).isEmpty();
    }
}
