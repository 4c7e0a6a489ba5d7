package io.chainplan.local.faults;

import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.ServerTelemetry;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.Topics;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The value serializers of the suite's records (Confluent wire format, schemas in the registry).
 *
 * @param models    model specs
 * @param telemetry server telemetry
 * @param requests  request events
 * @param servers   server estimates
 * @param demand    demand estimates
 */
record Serdes(Serializer<ModelSpec> models, Serializer<ServerTelemetry> telemetry, Serializer<RequestEvent> requests,
              Serializer<ServerEstimate> servers, Serializer<DemandEstimate> demand) {
    /** @return serializers on this registry */
    static Serdes of(SchemaRegistry registry) {
        return new Serdes(Topics.valueSerde(ModelSpec.class, registry).serializer(),
                Topics.valueSerde(ServerTelemetry.class, registry).serializer(),
                Topics.valueSerde(RequestEvent.class, registry).serializer(),
                Topics.valueSerde(ServerEstimate.class, registry).serializer(),
                Topics.valueSerde(DemandEstimate.class, registry).serializer());
    }
}
