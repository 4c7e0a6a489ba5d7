package io.chainplan.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.ModelSpec;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * Behaviour every {@link SchemaRegistry} shares (in-memory, REST client against the embedded
 * server); extended once per implementation.
 */
public abstract class SchemaRegistryContract {
    /** ModelSpec with only the required fields. */
    public static final Schema V1 = new Schema.Parser().parse("""
            {"type": "record", "name": "ModelSpec", "namespace": "io.chainplan.schemas.avro", "fields": [
              {"name": "id", "type": "string"},
              {"name": "blocks", "type": "int"},
              {"name": "blockBytes", "type": "long"},
              {"name": "cacheBytesPerBlockPerJob", "type": "long"}]}""");
    /** V1 plus a required field without default: not BACKWARD compatible with V1. */
    public static final Schema V2_BREAKING = new Schema.Parser().parse("""
            {"type": "record", "name": "ModelSpec", "namespace": "io.chainplan.schemas.avro", "fields": [
              {"name": "id", "type": "string"},
              {"name": "blocks", "type": "int"},
              {"name": "blockBytes", "type": "long"},
              {"name": "cacheBytesPerBlockPerJob", "type": "long"},
              {"name": "owner", "type": "string"}]}""");

    /** @return a fresh, empty registry */
    protected abstract SchemaRegistry registry();

    @Test
    void shouldGiveTheSameIdToTheSameSchemaTextTwice() {
        SchemaRegistry r = registry();

        int first = r.register("a-value", V1);
        int again = r.register("a-value", new Schema.Parser().parse(V1.toString()));
        int otherSubject = r.register("b-value", V1);

        assertThat(again).isEqualTo(first);
        assertThat(otherSubject).isEqualTo(first);
        assertThat(r.latest("a-value")).hasValueSatisfying(v -> assertThat(v.version()).isEqualTo(1));
    }

    @Test
    void shouldGiveDifferentSchemasDifferentIds() {
        SchemaRegistry r = registry();

        int a = r.register("a-value", ModelSpec.getClassSchema());
        int b = r.register("b-value", ChainPlan.getClassSchema());

        assertThat(a).isNotEqualTo(b);
        assertThat(r.schemaById(a)).isEqualTo(ModelSpec.getClassSchema());
        assertThat(r.schemaById(b)).isEqualTo(ChainPlan.getClassSchema());
    }

    @Test
    void shouldReturnTheLatestVersionOfASubject() {
        SchemaRegistry r = registry();
        r.register("m-value", V1);

        int id2 = r.register("m-value", ModelSpec.getClassSchema());

        assertThat(r.latest("m-value")).hasValueSatisfying(v -> {
            assertThat(v.subject()).isEqualTo("m-value");
            assertThat(v.version()).isEqualTo(2);
            assertThat(v.id()).isEqualTo(id2);
            assertThat(v.schema()).isEqualTo(ModelSpec.getClassSchema());
        });
    }

    @Test
    void shouldReturnEmptyLatestForAnUnknownSubject() {
        assertThat(registry().latest("nope-value")).isEmpty();
    }

    @Test
    void shouldRejectUnknownIdWithSchemaNotFound() {
        assertThatThrownBy(() -> registry().schemaById(4242))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
    }

    @Test
    void shouldEnforceBackwardCompatibilityByDefault() {
        SchemaRegistry r = registry();
        r.register("m-value", V1);

        assertThat(r.isCompatible("m-value", ModelSpec.getClassSchema())).isTrue();
        assertThat(r.isCompatible("m-value", V2_BREAKING)).isFalse();
        assertThatThrownBy(() -> r.register("m-value", V2_BREAKING))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE));
    }

    @Test
    void shouldTreatAnySchemaAsCompatibleWithANewSubject() {
        assertThat(registry().isCompatible("new-value", V2_BREAKING)).isTrue();
    }
}
