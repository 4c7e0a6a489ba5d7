package io.chainplan.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.registry.SchemaRegistryException;
import io.chainplan.schemas.testing.SampleRecords;
import io.chainplan.schemas.testing.SwitchableRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A registry that cannot serve a schema never makes a good record look bad: the deserializer waits
 * (bounded), then reports {@link RegistryUnavailableException}, never a {@link WireFormatException}
 * (a {@link SerializationException}, which consumers dead-letter); only an answer about the record
 * itself makes it bad.
 */
class RegistryOutageTest {
    private static final String TOPIC = "chainplan.models";
    /** Short pauses and a generous bound: what the tests check is the outcome, not the time taken. */
    private static final RegistryRetry QUICK = new RegistryRetry(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMinutes(1));

    private final SwitchableRegistry registry = new SwitchableRegistry();
    private final byte[] good = new AvroSerializer<ModelSpec>(registry.inner(), false).serialize(TOPIC, SampleRecords.modelSpec());

    @ParameterizedTest(name = "error code {0}")
    @ValueSource(ints = {SchemaRegistryException.NO_RESPONSE, 500, 503, 50001, 50002, 50003})
    void shouldReportATransientFailureAsTheRegistryUnavailableNotABadRecord(int code) {
        registry.failWith(code);
        AvroDeserializer<ModelSpec> de = new AvroDeserializer<>(ModelSpec.class, registry, RegistryRetry.NONE);

        assertThatThrownBy(() -> de.deserialize(TOPIC, good))
                .isInstanceOfSatisfying(RegistryUnavailableException.class, e -> {
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.schemaId()).isEqualTo(1);
                    assertThat(e.topic()).isEqualTo(TOPIC);
                })
                .isNotInstanceOf(SerializationException.class)
                .hasMessageStartingWith("schema registry unavailable: cannot fetch writer schema id 1 for topic " + TOPIC);
    }

    @Test
    void shouldWaitOutAShortOutageAndDecode() {
        registry.failWith(SchemaRegistryException.NO_RESPONSE, 3);
        AvroDeserializer<ModelSpec> de = new AvroDeserializer<>(ModelSpec.class, registry, QUICK);

        assertThat(de.deserialize(TOPIC, good)).isEqualTo(SampleRecords.modelSpec());
        assertThat(registry.failedCalls()).isEqualTo(3);
    }

    @Test
    void shouldDecodeOnceTheRegistryIsBackAfterGivingUp() {
        registry.failWith(50001);
        AvroDeserializer<ModelSpec> de = new AvroDeserializer<>(ModelSpec.class, registry, RegistryRetry.NONE);
        assertThatThrownBy(() -> de.deserialize(TOPIC, good)).isInstanceOf(RegistryUnavailableException.class);

        registry.up();

        assertThat(de.deserialize(TOPIC, good)).isEqualTo(SampleRecords.modelSpec());
    }

    @Test
    void shouldNotRetryARefusalAndReportItAsNotRetriable() {
        registry.failWith(401);
        AvroDeserializer<ModelSpec> de = new AvroDeserializer<>(ModelSpec.class, registry, QUICK);

        assertThatThrownBy(() -> de.deserialize(TOPIC, good))
                .isInstanceOfSatisfying(RegistryUnavailableException.class, e -> assertThat(e.retriable()).isFalse());
        assertThat(registry.failedCalls()).isEqualTo(1);
    }

    @Test
    void shouldStillCallARecordWithAnIdUnknownToAHealthyRegistryBad() {
        byte[] unknownId = good.clone();
        unknownId[4] = 42;
        AvroDeserializer<ModelSpec> de = new AvroDeserializer<>(ModelSpec.class, registry, QUICK);

        assertThatThrownBy(() -> de.deserialize(TOPIC, unknownId)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("schema id 42");
        assertThatThrownBy(() -> de.deserialize(TOPIC, "garbage".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(WireFormatException.class);
    }

    @Test
    void shouldFindTheExceptionInsideWrappers() {
        RegistryUnavailableException e = new RegistryUnavailableException(TOPIC, 1, "x",
                new SchemaRegistryException(0, "down"));

        assertThat(RegistryUnavailableException.in(new RuntimeException("outer", new IllegalStateException(e)))).contains(e);
        assertThat(RegistryUnavailableException.in(new RuntimeException("no"))).isEmpty();
    }

    @Test
    void shouldReportARegistrationThatCannotReachTheRegistryAsUnavailable() {
        registry.failWith(SchemaRegistryException.NO_RESPONSE);
        AvroSerializer<ModelSpec> ser = new AvroSerializer<>(registry, false, RegistryRetry.NONE);

        assertThatThrownBy(() -> ser.serialize("chainplan.other", SampleRecords.modelSpec()))
                .isInstanceOf(RegistryUnavailableException.class).isNotInstanceOf(SerializationException.class);
    }
}
