package io.chainplan.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SchemaRegistryExceptionTest {
    @ParameterizedTest(name = "{0} is transient: {1}")
    @CsvSource({"0, true", "500, true", "502, true", "503, true", "504, true", "50001, true", "50002, true",
        "50003, true", "50004, true", "408, true", "429, true", "40403, false", "40401, false", "42201, false",
        "40901, false", "401, false", "403, false", "404, false", "200, false"})
    void shouldTellFailuresOfTheRegistryFromAnswersAboutTheRequest(int code, boolean transientFailure) {
        assertThat(new SchemaRegistryException(code, "x").isTransient()).isEqualTo(transientFailure);
    }

    @ParameterizedTest(name = "{0} is incompatible: {1}")
    @CsvSource({"40901, true", "409, true", "42201, false", "40902, false"})
    void shouldRecognizeIncompatibilityFromNewAndOldServers(int code, boolean incompatible) {
        assertThat(new SchemaRegistryException(code, "x").isIncompatible()).isEqualTo(incompatible);
        assertThat(new SchemaRegistryException(code, "x").httpStatus()).isEqualTo(code >= 10000 ? code / 100 : code);
    }
}
