package io.chainplan.local.faults;

import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.ServerStatus;
import io.chainplan.schemas.avro.ServerTelemetry;
import io.chainplan.schemas.serde.FreshSchemaIds;
import io.chainplan.schemas.serde.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * Poison on every input: on each topic telemetry-ingest or the optimizer reads (models, telemetry, requests,
 * server estimates, demand estimates), bytes that are not Avro, Avro under a schema id the registry does not
 * know, and a record that decodes but fails validation (a spec of 0 blocks for the fault's model, a server
 * reporting {@code Long.MAX_VALUE} bytes of memory, negative prompt tokens, an event of a model nobody
 * declared, NaN timings and rates). Each must be dead-lettered, and the model they name must go on being
 * counted and planned.
 */
final class PoisonRecordsFault implements Fault {
    /** A schema id no registry has handed out. */
    static final int UNKNOWN_SCHEMA_ID = Integer.MAX_VALUE - 13;

    @Override
    public FaultKind kind() {
        return FaultKind.POISON;
    }

    @Override
    public FaultRow run(Suite suite) {
        FaultRun run = new FaultRun(suite, kind());
        Topics t = suite.topics();
        Serdes s = suite.serdes();
        String model = run.subject().id();
        String server = SubjectModel.servers(model).get(0);
        long now = System.currentTimeMillis();
        Deliveries d = run.injected();
        run.faultStarts();
        ModelSpec spec = Records.model(model);
        ServerTelemetry report = Records.telemetry(server, model, now);
        RequestEvent arrival = Records.arrival(model, model + "-poison", now);
        ServerEstimate estimate = ServerEstimate.newBuilder().setServerId(server).setModelId(model)
                .setTimestampMillis(Instant.ofEpochMilli(now)).setMemoryBytes(39L << 30).setCommSeconds(0.02)
                .setPerBlockComputeSeconds(Double.NaN).setStatus(ServerStatus.UP).setLastSeenMillis(Instant.ofEpochMilli(now)).build();
        DemandEstimate demand = Records.demand(model, 1, now);
        demand.setArrivalRatePerSecond(Double.NaN);
        undecodable(d, t.models(), model, spec);
        undecodable(d, t.telemetry(), server, report);
        undecodable(d, t.requests(), model, arrival);
        undecodable(d, t.serverEstimates(), server, estimate);
        undecodable(d, t.demandEstimates(), model, demand);
        spec.setBlocks(0);
        d.send("models: a spec of 0 blocks for a model in use", t.models(), model, s.models().serialize(t.models(), spec));
        report.setTotalMemoryBytes(Long.MAX_VALUE);
        d.send("telemetry: totalMemoryBytes = Long.MAX_VALUE", t.telemetry(), server, s.telemetry().serialize(t.telemetry(), report));
        arrival.setInputTokens(-5);
        d.send("requests: inputTokens = -5", t.requests(), model, s.requests().serialize(t.requests(), arrival));
        String unknown = suite.model("undeclared");
        d.send("requests: an event of an undeclared model", t.requests(), unknown,
                s.requests().serialize(t.requests(), Records.arrival(unknown, unknown + "-1", now)));
        d.send("server-estimates: perBlockComputeSeconds = NaN", t.serverEstimates(), server,
                s.servers().serialize(t.serverEstimates(), estimate));
        d.send("demand-estimates: arrivalRatePerSecond = NaN", t.demandEstimates(), model,
                s.demand().serialize(t.demandEstimates(), demand));
        d.awaitCompleted(suite.settings().settle());
        run.faultEnds();
        List<Deliveries.Acked> acked = d.acked();
        run.mustDeadLetter(acked);
        run.note(acked.size() + " of " + d.sent() + " poison records acknowledged, on " + List.of(t.models(), t.telemetry(),
                t.requests(), t.serverEstimates(), t.demandEstimates()));
        return run.finish(d.sent(), "poison records on every input (not Avro, an unknown schema id, invalid values) under the"
                + " keys of a model and a server in use");
    }

    private static void undecodable(Deliveries d, String topic, String key, SpecificRecord valid) {
        d.send(topic + ": bytes that are not Avro", topic, key,
                "chainplan faults: not Avro".getBytes(StandardCharsets.UTF_8));
        d.send(topic + ": schema id " + UNKNOWN_SCHEMA_ID + " (unknown)", topic, key,
                FreshSchemaIds.encode(UNKNOWN_SCHEMA_ID, valid));
    }
}
