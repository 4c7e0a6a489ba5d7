package io.chainplan.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.ServerStatus;
import io.chainplan.schemas.registry.CompatibilityLevel;
import io.chainplan.schemas.registry.InMemorySchemaRegistry;
import io.chainplan.schemas.testing.SampleRecords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/**
 * The estimate topics' schemas evolve without breaking anyone: records of the previous schema
 * (the text of the .avsc before the change, copied here) read with the current one get the new
 * fields' defaults; current records read with the previous schema as the reader (an old consumer)
 * resolve; and the registry accepts the current schema after the previous one.
 */
class EstimateSchemaEvolutionTest {
    private static final String DEMAND_TOPIC = "chainplan.demand-estimates";

    /** DemandEstimate.avsc before burstiness (issue 15). */
    static final Schema DEMAND_ESTIMATE_V1 = new Schema.Parser().parse("""
            {
              "type": "record", "name": "DemandEstimate", "namespace": "io.chainplan.schemas.avro",
              "doc": "telemetry-ingest's arrival-rate estimate for a model. Topic chainplan.demand-estimates, key: model id (compacted).",
              "fields": [
                {"name": "modelId", "type": "string", "doc": "Model id."},
                {"name": "timestampMillis", "type": {"type": "long", "logicalType": "timestamp-millis"}, "doc": "Event time the estimate refers to (end of window), ms since the epoch."},
                {"name": "arrivalRatePerSecond", "type": "double", "doc": "lambda: smoothed arrival rate, requests per second."},
                {"name": "lowerPerSecond", "type": "double", "doc": "Lower end of the 95% interval of the rate, requests per second."},
                {"name": "upperPerSecond", "type": "double", "doc": "Upper end of the 95% interval of the rate, requests per second."},
                {"name": "windowSeconds", "type": "double", "doc": "Length of the estimation window, seconds."},
                {"name": "arrivals", "type": "long", "doc": "Arrivals counted in the window."},
                {"name": "meanInputTokens", "type": "double", "default": 0.0, "doc": "Mean prompt tokens of arrivals in the window."},
                {"name": "meanOutputTokens", "type": "double", "default": 0.0, "doc": "Mean generated tokens of completions in the window."}
              ]
            }""");

    private static final String SERVER_TOPIC = "chainplan.server-estimates";

    /** ServerEstimate.avsc before the per-token coefficients (issue 17); ServerStatus is unchanged. */
    static final Schema SERVER_ESTIMATE_V1 = parseWithServerStatus("""
            {
              "type": "record", "name": "ServerEstimate", "namespace": "io.chainplan.schemas.avro",
              "doc": "telemetry-ingest's current view of a server. Topic chainplan.server-estimates, key: server id (compacted).",
              "fields": [
                {"name": "serverId", "type": "string", "doc": "Server id."},
                {"name": "modelId", "type": ["null", "string"], "default": null, "doc": "Model the server serves, if known."},
                {"name": "timestampMillis", "type": {"type": "long", "logicalType": "timestamp-millis"}, "doc": "Event time of the newest input behind this estimate, ms since the epoch."},
                {"name": "memoryBytes", "type": "long", "doc": "M_j: usable memory = total GPU memory minus the configured reserve, bytes."},
                {"name": "commSeconds", "type": "double", "doc": "tau_c estimate, seconds per request."},
                {"name": "perBlockComputeSeconds", "type": "double", "doc": "tau_p estimate, seconds per block per request."},
                {"name": "commSamples", "type": "long", "default": 0, "doc": "Measured samples behind commSeconds (0: declared value)."},
                {"name": "computeSamples", "type": "long", "default": 0, "doc": "Measured samples behind perBlockComputeSeconds (0: declared value)."},
                {"name": "status", "type": "ServerStatus", "default": "UP", "doc": "UP, or DOWN after no telemetry for the configured time."},
                {"name": "lastSeenMillis", "type": {"type": "long", "logicalType": "timestamp-millis"}, "doc": "Event time of the last telemetry record, ms since the epoch."}
              ]
            }""");

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    private static Schema parseWithServerStatus(String json) {
        Schema.Parser parser = new Schema.Parser();
        parser.parse(ServerStatus.getClassSchema().toString());
        return parser.parse(json);
    }

    @Test
    void shouldReadAVersionOneDemandEstimateWithNoBurstiness() {
        GenericRecord v1 = new GenericData.Record(DEMAND_ESTIMATE_V1);
        DemandEstimate sample = SampleRecords.demandEstimate();
        for (Schema.Field f : DEMAND_ESTIMATE_V1.getFields()) {
            v1.put(f.name(), f.name().equals("timestampMillis") ? sample.getTimestampMillis().toEpochMilli() : sample.get(f.name()));
        }
        byte[] bytes = AvroSerdeTest.encode(registry.register(DEMAND_TOPIC + "-value", DEMAND_ESTIMATE_V1), v1);

        DemandEstimate read = AvroSerdes.specific(DemandEstimate.class, registry, false).deserializer()
                .deserialize(DEMAND_TOPIC, bytes);

        assertThat(read.getArrivalRatePerSecond()).isEqualTo(sample.getArrivalRatePerSecond());
        assertThat(read.getMeanOutputTokens()).isEqualTo(sample.getMeanOutputTokens());
        assertThat(read.getDispersions()).isEmpty();
        assertThat(read.getBurstinessArrivals()).isZero();
        assertThat(read.getBurstinessSeconds()).isZero();
        assertThat(read.getPeakRatePerSecond()).isZero();
    }

    @Test
    void shouldLetAVersionOneReaderReadACurrentDemandEstimate() {
        DemandEstimate current = SampleRecords.demandEstimate();
        Serde<DemandEstimate> serde = AvroSerdes.specific(DemandEstimate.class, registry, false);
        byte[] bytes = serde.serializer().serialize(DEMAND_TOPIC, current);

        GenericRecord old = readAs(DemandEstimate.getClassSchema(), DEMAND_ESTIMATE_V1, bytes);

        assertThat(old.getSchema().getFields()).hasSize(DEMAND_ESTIMATE_V1.getFields().size());
        assertThat(old.get("arrivals")).isEqualTo(current.getArrivals());
        assertThat(old.get("meanInputTokens")).isEqualTo(current.getMeanInputTokens());
        assertThat(old.get("modelId").toString()).isEqualTo(current.getModelId());
    }

    @Test
    void shouldAcceptTheCurrentDemandEstimateAfterVersionOne() {
        assertThat(CompatibilityLevel.BACKWARD.isCompatible(DemandEstimate.getClassSchema(), List.of(DEMAND_ESTIMATE_V1))).isTrue();
        assertThat(CompatibilityLevel.FULL.isCompatible(DemandEstimate.getClassSchema(), List.of(DEMAND_ESTIMATE_V1))).isTrue();
        registry.setCompatibility(null, CompatibilityLevel.BACKWARD);
        registry.register(DEMAND_TOPIC + "-value", DEMAND_ESTIMATE_V1);

        assertThat(registry.isCompatible(DEMAND_TOPIC + "-value", DemandEstimate.getClassSchema())).isTrue();
        registry.register(DEMAND_TOPIC + "-value", DemandEstimate.getClassSchema());
        assertThat(registry.versions(DEMAND_TOPIC + "-value")).hasSize(2);
    }

    @Test
    void shouldReadAVersionOneServerEstimateWithoutTokenTimings() {
        ServerEstimate sample = SampleRecords.serverEstimate();
        GenericRecord v1 = new GenericData.Record(SERVER_ESTIMATE_V1);
        for (Schema.Field f : SERVER_ESTIMATE_V1.getFields()) {
            Object value = sample.get(f.name());
            if (value instanceof java.time.Instant i) {
                value = i.toEpochMilli();
            } else if (value instanceof ServerStatus st) {
                value = new GenericData.EnumSymbol(SERVER_ESTIMATE_V1.getField("status").schema(), st.name());
            }
            v1.put(f.name(), value);
        }
        byte[] bytes = AvroSerdeTest.encode(registry.register(SERVER_TOPIC + "-value", SERVER_ESTIMATE_V1), v1);

        ServerEstimate read = AvroSerdes.specific(ServerEstimate.class, registry, false).deserializer()
                .deserialize(SERVER_TOPIC, bytes);

        assertThat(read.getCommSeconds()).isEqualTo(sample.getCommSeconds());
        assertThat(read.getStatus()).isEqualTo(sample.getStatus());
        assertThat(read.getTokenTimings()).isNull();
    }

    @Test
    void shouldLetAVersionOneReaderReadACurrentServerEstimate() {
        ServerEstimate current = SampleRecords.serverEstimate();
        assertThat(current.getTokenTimings()).as("the sample carries the new record").isNotNull();
        byte[] bytes = AvroSerdes.specific(ServerEstimate.class, registry, false).serializer().serialize(SERVER_TOPIC, current);

        GenericRecord old = readAs(ServerEstimate.getClassSchema(), SERVER_ESTIMATE_V1, bytes);

        assertThat(old.getSchema().getFields()).hasSize(SERVER_ESTIMATE_V1.getFields().size());
        assertThat(old.get("perBlockComputeSeconds")).isEqualTo(current.getPerBlockComputeSeconds());
        assertThat(old.get("computeSamples")).isEqualTo(current.getComputeSamples());
        assertThat(old.get("status").toString()).isEqualTo("UP");
    }

    @Test
    void shouldAcceptTheCurrentServerEstimateAfterVersionOne() {
        assertThat(CompatibilityLevel.BACKWARD.isCompatible(ServerEstimate.getClassSchema(), List.of(SERVER_ESTIMATE_V1))).isTrue();
        assertThat(CompatibilityLevel.FULL.isCompatible(ServerEstimate.getClassSchema(), List.of(SERVER_ESTIMATE_V1))).isTrue();
        registry.setCompatibility(null, CompatibilityLevel.BACKWARD);
        registry.register(SERVER_TOPIC + "-value", SERVER_ESTIMATE_V1);

        assertThat(registry.isCompatible(SERVER_TOPIC + "-value", ServerEstimate.getClassSchema())).isTrue();
        registry.register(SERVER_TOPIC + "-value", ServerEstimate.getClassSchema());
        assertThat(registry.versions(SERVER_TOPIC + "-value")).hasSize(2);
    }

    /** Decodes the Avro body of wire-format bytes written with {@code writer}, resolved to {@code reader}. */
    static GenericRecord readAs(Schema writer, Schema reader, byte[] wire) {
        byte[] body = Arrays.copyOfRange(wire, WireFormat.HEADER_BYTES, wire.length);
        try {
            return new GenericDatumReader<GenericRecord>(writer, reader).read(null, DecoderFactory.get().binaryDecoder(body, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
