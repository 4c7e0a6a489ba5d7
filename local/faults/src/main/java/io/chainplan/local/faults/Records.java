package io.chainplan.local.faults;

import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.RequestEventKind;
import io.chainplan.schemas.avro.ServerStatus;
import io.chainplan.schemas.avro.ServerTelemetry;
import java.time.Instant;

/** The good records the suite sends: a small LLaMA-2-7B-like model on 40 GB servers that each hold it whole. */
final class Records {
    /** Prompt tokens of every arrival. */
    static final int INPUT_TOKENS = 100;

    private Records() {
    }

    /** @return the spec of a model of 32 blocks of 437.5 MB with 33.6 MB of cache per block and request */
    static ModelSpec model(String id) {
        return ModelSpec.newBuilder().setId(id).setBlocks(32).setBlockBytes(437_500_000L)
                .setCacheBytesPerBlockPerJob(33_600_000L).setContextTokens(4096)
                .setUpdatedAtMillis(Instant.ofEpochMilli(System.currentTimeMillis())).build();
    }

    /** @return an UP report of a 40 GB server serving only {@code model} */
    static ServerTelemetry telemetry(String server, String model, long atMillis) {
        return ServerTelemetry.newBuilder().setServerId(server).setModelId(model).setTimestampMillis(Instant.ofEpochMilli(atMillis))
                .setTotalMemoryBytes(40L << 30).setDeclaredCommSeconds(0.02).setDeclaredPerBlockComputeSeconds(0.05)
                .setStatus(ServerStatus.UP).build();
    }

    /** @return an ARRIVED event */
    static RequestEvent arrival(String model, String requestId, long atMillis) {
        return RequestEvent.newBuilder().setRequestId(requestId).setModelId(model).setKind(RequestEventKind.ARRIVED)
                .setTimestampMillis(Instant.ofEpochMilli(atMillis)).setInputTokens(INPUT_TOKENS).build();
    }

    /** @return a demand estimate of {@code rate} req/s with a narrow interval (a step the optimizer must answer) */
    static DemandEstimate demand(String model, double rate, long atMillis) {
        return DemandEstimate.newBuilder().setModelId(model).setTimestampMillis(Instant.ofEpochMilli(atMillis))
                .setArrivalRatePerSecond(rate).setLowerPerSecond(rate * 0.97).setUpperPerSecond(rate * 1.03)
                .setWindowSeconds(60).setArrivals(Math.round(rate * 60)).setMeanInputTokens(INPUT_TOKENS).build();
    }
}
