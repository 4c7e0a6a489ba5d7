package io.chainplan.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryTest extends SchemaRegistryContract {
    @Override
    protected SchemaRegistry registry() {
        return new InMemorySchemaRegistry();
    }

    @Test
    void shouldAllowBreakingChangesWhenCompatibilityIsNone() {
        InMemorySchemaRegistry r = new InMemorySchemaRegistry();
        r.register("m-value", V1);
        r.setCompatibility("m-value", CompatibilityLevel.NONE);

        r.register("m-value", V2_BREAKING);

        assertThat(r.versions("m-value")).extracting(RegisteredSchema::version).containsExactly(1, 2);
    }

    @Test
    void shouldNumberIdsFromOneAndListSubjectsSorted() {
        InMemorySchemaRegistry r = new InMemorySchemaRegistry();

        assertThat(r.register("b-value", V1)).isEqualTo(1);
        assertThat(r.register("a-value", V2_BREAKING)).isEqualTo(2);
        assertThat(r.subjects()).containsExactly("a-value", "b-value");
    }

    @Test
    void shouldReportSubjectNotFoundForVersionsOfUnknownSubject() {
        assertThatThrownBy(() -> new InMemorySchemaRegistry().versions("x"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(40401);
                    assertThat(e.httpStatus()).isEqualTo(404);
                });
    }
}
