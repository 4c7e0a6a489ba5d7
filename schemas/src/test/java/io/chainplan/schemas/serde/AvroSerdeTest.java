package io.chainplan.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.registry.InMemorySchemaRegistry;
import io.chainplan.schemas.testing.SampleRecords;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeTest {
    private static final String TOPIC = "chainplan.models";

    /** ModelSpec as an older producer wrote it: only the four required fields. */
    static final Schema MODEL_SPEC_V1 = new Schema.Parser().parse("""
            {"type": "record", "name": "ModelSpec", "namespace": "io.chainplan.schemas.avro", "fields": [
              {"name": "id", "type": "string"},
              {"name": "blocks", "type": "int"},
              {"name": "blockBytes", "type": "long"},
              {"name": "cacheBytesPerBlockPerJob", "type": "long"}]}""");

    /** ModelSpec as a newer producer writes it: the current fields plus an optional one. */
    static final Schema MODEL_SPEC_V3 = withExtraField(ModelSpec.getClassSchema());

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final Serde<ModelSpec> serde = AvroSerdes.specific(ModelSpec.class, registry, false);

    @Test
    void shouldWriteMagicByteBigEndianSchemaIdThenAvroBinary() {
        ModelSpec spec = ModelSpec.newBuilder().setId("m").setBlocks(3).setBlockBytes(5).setCacheBytesPerBlockPerJob(1)
                .setContextTokens(2048).setMeanInputTokens(2000.0).setMeanOutputTokens(20.0)
                .setUpdatedAtMillis(Instant.EPOCH).build();
        for (int i = 0; i < 299; i++) {
            registry.register("filler-" + i, Schema.createFixed("F" + i, null, "x", i + 1));
        }

        byte[] bytes = serde.serializer().serialize(TOPIC, spec);

        int[] expected = {
            0x00, // magic byte
            0x00, 0x00, 0x01, 0x2c, // schema id 300, big-endian
            0x02, 'm', // id: zigzag length 1, "m"
            0x06, // blocks: zigzag(3)
            0x0a, // blockBytes: zigzag(5)
            0x02, // cacheBytesPerBlockPerJob: zigzag(1)
            0x80, 0x20, // contextTokens: zigzag(2048) = 4096, varint
            0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x9f, 0x40, // meanInputTokens 2000.0, little-endian IEEE 754
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x34, 0x40, // meanOutputTokens 20.0
            0x00, // updatedAtMillis: zigzag(0)
            0x00 // declaredRatePerSecond: union branch 0, null
        };
        assertThat(toInts(bytes)).containsExactly(expected);
        assertThat(registry.latest(TOPIC + "-value")).hasValueSatisfying(r -> assertThat(r.id()).isEqualTo(300));
    }

    @Test
    void shouldRegisterKeysUnderTheKeySubject() {
        Serde<ModelSpec> keySerde = AvroSerdes.specific(ModelSpec.class, registry, true);

        keySerde.serializer().serialize(TOPIC, SampleRecords.modelSpec());

        assertThat(registry.subjects()).containsExactly(TOPIC + "-key");
    }

    @ParameterizedTest
    @MethodSource("io.chainplan.schemas.testing.SampleRecords#all")
    void shouldRoundTripEveryRecordType(SpecificRecord record) {
        roundTrip(record);
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> void roundTrip(T record) {
        Serde<T> s = AvroSerdes.specific((Class<T>) record.getClass(), registry, false);

        T back = s.deserializer().deserialize("t", s.serializer().serialize("t", record));

        assertThat(back).isEqualTo(record);
    }

    @Test
    void shouldReadOldWriterWithNewReaderFillingDefaults() {
        GenericRecord v1 = new GenericData.Record(MODEL_SPEC_V1);
        v1.put("id", "old");
        v1.put("blocks", 70);
        v1.put("blockBytes", 1_320_000_000L);
        v1.put("cacheBytesPerBlockPerJob", 110_000_000L);
        byte[] bytes = encode(registry.register(TOPIC + "-value", MODEL_SPEC_V1), v1);

        ModelSpec read = serde.deserializer().deserialize(TOPIC, bytes);

        assertThat(read.getId()).isEqualTo("old");
        assertThat(read.getBlocks()).isEqualTo(70);
        assertThat(read.getContextTokens()).isEqualTo(2048);
        assertThat(read.getMeanOutputTokens()).isEqualTo(20.0);
        assertThat(read.getUpdatedAtMillis()).isEqualTo(Instant.EPOCH);
    }

    @Test
    void shouldReadNewerWriterWithCurrentReaderIgnoringTheNewField() {
        ModelSpec current = SampleRecords.modelSpec();
        GenericRecord v3 = new GenericData.Record(MODEL_SPEC_V3);
        for (Schema.Field f : ModelSpec.getClassSchema().getFields()) {
            v3.put(f.name(), f.name().equals("updatedAtMillis") ? current.getUpdatedAtMillis().toEpochMilli() : current.get(f.pos()));
        }
        v3.put("quantization", "int8");
        byte[] bytes = encode(registry.register(TOPIC + "-value", MODEL_SPEC_V3), v3);

        ModelSpec read = serde.deserializer().deserialize(TOPIC, bytes);

        assertThat(read).isEqualTo(current);
    }

    @Test
    void shouldAcceptEvolvedSchemasUnderBackwardCompatibility() {
        registry.register(TOPIC + "-value", MODEL_SPEC_V1);

        serde.serializer().serialize(TOPIC, SampleRecords.modelSpec());
        registry.register(TOPIC + "-value", MODEL_SPEC_V3);

        assertThat(registry.versions(TOPIC + "-value")).hasSize(3);
    }

    @Test
    void shouldTurnNullIntoNullBothWays() {
        assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
        assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
    }

    @Test
    void shouldRejectWrongMagicByteNamingTopicAndCause() {
        byte[] bytes = serde.serializer().serialize(TOPIC, SampleRecords.modelSpec());
        bytes[0] = 1;

        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, bytes))
                .isInstanceOf(WireFormatException.class).isInstanceOf(SerializationException.class)
                .hasMessageContaining("topic " + TOPIC).hasMessageContaining("schema id none")
                .hasMessageContaining("magic byte 1");
    }

    @Test
    void shouldRejectBytesTooShortForTheHeader() {
        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, new byte[] {0, 0, 1}))
                .isInstanceOfSatisfying(WireFormatException.class, e -> {
                    assertThat(e.topic()).isEqualTo(TOPIC);
                    assertThat(e.schemaId()).isEqualTo(WireFormatException.NO_SCHEMA_ID);
                })
                .hasMessageContaining("too short").hasMessageContaining("3 bytes");
    }

    @Test
    void shouldRejectUnknownSchemaId() {
        byte[] bytes = {0, 0, 0, 0x30, 0x39, 2, 'x'};

        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, bytes))
                .isInstanceOfSatisfying(WireFormatException.class, e -> assertThat(e.schemaId()).isEqualTo(12345))
                .hasMessageContaining("schema id 12345").hasMessageContaining("Schema 12345 not found");
    }

    @Test
    void shouldRejectWriterThatDoesNotResolveAgainstReader() {
        Schema noBlocks = new Schema.Parser().parse("""
                {"type": "record", "name": "ModelSpec", "namespace": "io.chainplan.schemas.avro", "fields": [
                  {"name": "id", "type": "string"}]}""");
        GenericRecord r = new GenericData.Record(noBlocks);
        r.put("id", "x");
        int id = registry.register("other-value", noBlocks);
        byte[] bytes = encode(id, r);

        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, bytes))
                .isInstanceOfSatisfying(WireFormatException.class, e -> assertThat(e.schemaId()).isEqualTo(id))
                .hasMessageContaining("schema id " + id).hasMessageContaining("does not resolve")
                .hasMessageContaining("blocks");
    }

    @Test
    void shouldRejectTruncatedAvroBody() {
        Serde<ChainPlan> plans = AvroSerdes.specific(ChainPlan.class, registry, false);
        byte[] full = plans.serializer().serialize("p", SampleRecords.chainPlan());
        byte[] truncated = Arrays.copyOf(full, full.length / 2);

        assertThatThrownBy(() -> plans.deserializer().deserialize("p", truncated))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("topic p")
                .hasMessageContaining("cannot decode as io.chainplan.schemas.avro.ChainPlan");
    }

    static byte[] encode(int schemaId, GenericRecord record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(new byte[] {0, (byte) (schemaId >>> 24), (byte) (schemaId >>> 16), (byte) (schemaId >>> 8), (byte) schemaId});
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, enc);
            enc.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Schema withExtraField(Schema base) {
        String json = base.toString();
        String extra = ",{\"name\":\"quantization\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
        return new Schema.Parser().parse(json.substring(0, json.length() - 2) + extra);
    }

    private static int[] toInts(byte[] bytes) {
        int[] out = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] & 0xff;
        }
        return out;
    }
}
