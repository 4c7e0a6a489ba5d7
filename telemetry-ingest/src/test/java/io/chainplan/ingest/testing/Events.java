package io.chainplan.ingest.testing;

import io.chainplan.schemas.avro.HopTiming;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.RequestEventKind;
import io.chainplan.schemas.avro.ServerStatus;
import io.chainplan.schemas.avro.ServerTelemetry;
import java.time.Instant;
import java.util.List;

/** Builders of the input records used by the ingest tests and benchmark. */
public final class Events {
    private Events() {
    }

    /**
     * @param id     model id
     * @param blocks L
     * @return a LLaMA-2-7B-like spec, with a context of 8192 tokens (the tests' longest requests fit)
     */
    public static ModelSpec model(String id, int blocks) {
        return ModelSpec.newBuilder().setId(id).setBlocks(blocks).setBlockBytes(437_500_000L)
                .setCacheBytesPerBlockPerJob(33_600_000L).setContextTokens(8192)
                .setUpdatedAtMillis(Instant.ofEpochMilli(0)).build();
    }

    /**
     * @param model       model id
     * @param id          request id
     * @param atMillis    event time
     * @param inputTokens prompt tokens
     * @return an ARRIVED event
     */
    public static RequestEvent arrived(String model, String id, long atMillis, int inputTokens) {
        return RequestEvent.newBuilder().setRequestId(id).setModelId(model).setKind(RequestEventKind.ARRIVED)
                .setTimestampMillis(Instant.ofEpochMilli(atMillis)).setInputTokens(inputTokens).build();
    }

    /**
     * @param model        model id
     * @param id           request id
     * @param atMillis     event time
     * @param outputTokens generated tokens
     * @param hops         per-hop timings
     * @return a COMPLETED event
     */
    public static RequestEvent completed(String model, String id, long atMillis, int outputTokens, List<HopTiming> hops) {
        return RequestEvent.newBuilder().setRequestId(id).setModelId(model).setKind(RequestEventKind.COMPLETED)
                .setTimestampMillis(Instant.ofEpochMilli(atMillis)).setOutputTokens(outputTokens).setHops(hops).build();
    }

    /**
     * @param model        model id
     * @param id           request id
     * @param atMillis     event time
     * @param inputTokens  prompt tokens
     * @param outputTokens generated tokens
     * @param hops         per-hop timings
     * @return a COMPLETED event that reports both token counts
     */
    public static RequestEvent completed(String model, String id, long atMillis, int inputTokens, int outputTokens,
                                         List<HopTiming> hops) {
        return RequestEvent.newBuilder(completed(model, id, atMillis, outputTokens, hops)).setInputTokens(inputTokens).build();
    }

    /**
     * @param server  server id
     * @param start   first block
     * @param end     end block (exclusive)
     * @param compute compute seconds
     * @param network network seconds
     * @return a hop
     */
    public static HopTiming hop(String server, int start, int end, double compute, double network) {
        return HopTiming.newBuilder().setServerId(server).setStartBlock(start).setEndBlock(end).setComputeSeconds(compute)
                .setNetworkSeconds(network).build();
    }

    /**
     * @param server      server id
     * @param model       model id
     * @param atMillis    event time
     * @param totalBytes  total GPU memory
     * @param commSeconds declared tau_c
     * @param tauP        declared tau_p
     * @return an UP telemetry record
     */
    public static ServerTelemetry telemetry(String server, String model, long atMillis, long totalBytes, double commSeconds,
                                            double tauP) {
        return ServerTelemetry.newBuilder().setServerId(server).setModelId(model).setTimestampMillis(Instant.ofEpochMilli(atMillis))
                .setTotalMemoryBytes(totalBytes).setDeclaredCommSeconds(commSeconds).setDeclaredPerBlockComputeSeconds(tauP)
                .setStatus(ServerStatus.UP).build();
    }

    /**
     * @param name   metric name
     * @param value  value text
     * @param atIso  RFC 3339 time
     * @param labels alternating label names and values
     * @return the adapter's JSON
     */
    public static String gpuMetricJson(String name, String value, String atIso, String... labels) {
        StringBuilder b = new StringBuilder("{\"timestamp\":\"").append(atIso).append("\",\"value\":\"").append(value)
                .append("\",\"name\":\"").append(name).append("\",\"labels\":{\"__name__\":\"").append(name).append('"');
        for (int i = 0; i + 1 < labels.length; i += 2) {
            b.append(",\"").append(labels[i]).append("\":\"").append(labels[i + 1]).append('"');
        }
        return b.append("}}").toString();
    }
}
