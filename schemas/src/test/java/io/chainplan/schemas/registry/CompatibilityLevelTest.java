package io.chainplan.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class CompatibilityLevelTest {
    private static final Schema A = record("{\"name\": \"x\", \"type\": \"int\"}");
    private static final Schema A_PLUS_DEFAULTED = record(
            "{\"name\": \"x\", \"type\": \"int\"}, {\"name\": \"y\", \"type\": \"int\", \"default\": 0}");
    private static final Schema A_PLUS_REQUIRED = record(
            "{\"name\": \"x\", \"type\": \"int\"}, {\"name\": \"y\", \"type\": \"int\"}");
    private static final Schema B_ONLY = record("{\"name\": \"y\", \"type\": \"int\", \"default\": 0}");
    private static final Schema B_REQUIRED = record("{\"name\": \"y\", \"type\": \"int\"}");

    private static Schema record(String fields) {
        return new Schema.Parser().parse("{\"type\": \"record\", \"name\": \"R\", \"fields\": [" + fields + "]}");
    }

    @Test
    void shouldAcceptANewFieldWithDefaultBackward() {
        assertThat(CompatibilityLevel.BACKWARD.isCompatible(A_PLUS_DEFAULTED, List.of(A))).isTrue();
        assertThat(CompatibilityLevel.BACKWARD.isCompatible(A_PLUS_REQUIRED, List.of(A))).isFalse();
    }

    @Test
    void shouldCheckForwardAsOldReadingNew() {
        assertThat(CompatibilityLevel.FORWARD.isCompatible(A_PLUS_REQUIRED, List.of(A))).isTrue();
        assertThat(CompatibilityLevel.FORWARD.isCompatible(A, List.of(A_PLUS_REQUIRED))).isFalse();
        assertThat(CompatibilityLevel.FULL.isCompatible(A_PLUS_REQUIRED, List.of(A))).isFalse();
        assertThat(CompatibilityLevel.FULL.isCompatible(A_PLUS_DEFAULTED, List.of(A))).isTrue();
    }

    @Test
    void shouldCheckOnlyTheLatestUnlessTransitive() {
        List<Schema> history = List.of(A, B_ONLY);

        assertThat(CompatibilityLevel.BACKWARD.isCompatible(B_REQUIRED, history)).isTrue();
        assertThat(CompatibilityLevel.BACKWARD_TRANSITIVE.isCompatible(B_REQUIRED, history)).isFalse();
        assertThat(CompatibilityLevel.FORWARD_TRANSITIVE.isCompatible(A_PLUS_REQUIRED, history)).isTrue();
        assertThat(CompatibilityLevel.BACKWARD_TRANSITIVE.isCompatible(A_PLUS_REQUIRED, history)).isFalse();
    }

    @Test
    void shouldParseCaseInsensitivelyAndRejectUnknownLevels() {
        assertThat(CompatibilityLevel.parse(" backward_transitive ")).isEqualTo(CompatibilityLevel.BACKWARD_TRANSITIVE);
        assertThatThrownBy(() -> CompatibilityLevel.parse("sideways"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(42203));
    }
}
