package io.chainplan.ingest.topology;

import io.chainplan.ingest.estimate.DemandEstimateValue;
import io.chainplan.ingest.estimate.ServerEstimateValue;
import io.chainplan.ingest.estimate.ServerLiveness;
import io.chainplan.ingest.estimate.TelemetryReport;
import io.chainplan.ingest.estimate.TokenTimingEstimate;
import io.chainplan.optimizer.arrival.Dispersion;
import io.chainplan.optimizer.model.TokenTimings;
import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.IndexOfDispersion;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.ServerStatus;
import io.chainplan.schemas.avro.ServerTelemetry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Converts between the Avro records of the topics and the pure estimator values, in one place. */
final class AvroMapping {
    private AvroMapping() {
    }

    static DemandEstimate demand(String modelId, DemandEstimateValue e) {
        return DemandEstimate.newBuilder()
                .setModelId(modelId)
                .setTimestampMillis(Instant.ofEpochMilli(e.atMillis()))
                .setArrivalRatePerSecond(e.ratePerSecond())
                .setLowerPerSecond(e.interval().lowerPerSecond())
                .setUpperPerSecond(e.interval().upperPerSecond())
                .setWindowSeconds(e.spanSeconds())
                .setArrivals(e.arrivals())
                .setMeanInputTokens(e.meanInputTokens())
                .setMeanOutputTokens(e.meanOutputTokens())
                .setInputTokensStandardError(e.inputTokensError())
                .setOutputTokensStandardError(e.outputTokensError())
                .setDispersions(dispersions(e.burstiness().dispersions()))
                .setBurstinessArrivals(e.burstiness().arrivals())
                .setBurstinessSeconds(e.burstiness().spanSeconds())
                .setPeakRatePerSecond(e.burstiness().peakRatePerSecond())
                .setTokenMixPending(e.tokenMixPending())
                .build();
    }

    private static List<IndexOfDispersion> dispersions(List<Dispersion> ds) {
        List<IndexOfDispersion> out = new ArrayList<>(ds.size());
        for (Dispersion d : ds) {
            out.add(new IndexOfDispersion(d.windowSeconds(), d.index(), d.windows()));
        }
        return out;
    }

    static ServerEstimate server(String serverId, ServerEstimateValue e) {
        return ServerEstimate.newBuilder()
                .setServerId(serverId)
                .setModelId(e.modelId().isEmpty() ? null : e.modelId())
                .setTimestampMillis(Instant.ofEpochMilli(Math.max(0, e.atMillis())))
                .setMemoryBytes(e.memoryBytes())
                .setCommSeconds(e.commSeconds())
                .setPerBlockComputeSeconds(e.computeSeconds())
                .setCommSamples(e.commSamples())
                .setComputeSamples(e.computeSamples())
                .setStatus(ServerStatus.valueOf(e.status().name()))
                .setLastSeenMillis(Instant.ofEpochMilli(Math.max(0, e.lastSeenMillis())))
                .setTokenTimings(e.tokenTimings().present() ? tokenTimings(e.tokenTimings()) : null)
                .build();
    }

    private static io.chainplan.schemas.avro.TokenTimingEstimate tokenTimings(TokenTimingEstimate t) {
        TokenTimings c = t.timings();
        TokenTimings se = t.standardErrors();
        return io.chainplan.schemas.avro.TokenTimingEstimate.newBuilder()
                .setBlockOverheadSeconds(c.blockOverheadSeconds())
                .setPrefillSecondsPerToken(c.prefillSecondsPerToken())
                .setDecodeSecondsPerToken(c.decodeSecondsPerToken())
                .setCommSecondsPerRequest(c.commSecondsPerRequest())
                .setCommSecondsPerToken(c.commSecondsPerToken())
                .setBlockOverheadStdErr(se.blockOverheadSeconds())
                .setPrefillPerTokenStdErr(se.prefillSecondsPerToken())
                .setDecodePerTokenStdErr(se.decodeSecondsPerToken())
                .setCommPerRequestStdErr(se.commSecondsPerRequest())
                .setCommPerTokenStdErr(se.commSecondsPerToken())
                .setComputeSamples(t.computeSamples())
                .setCommSamples(t.commSamples())
                .setComputeFallback(t.computeFallback())
                .setCommFallback(t.commFallback())
                .setReferenceInputTokens(t.referenceInputTokens())
                .setReferenceOutputTokens(t.referenceOutputTokens())
                .build();
    }

    static TelemetryReport telemetry(ServerTelemetry t) {
        return new TelemetryReport(t.getModelId() == null ? "" : t.getModelId(), t.getTimestampMillis().toEpochMilli(),
                t.getTotalMemoryBytes(), t.getDeclaredCommSeconds() == null ? Double.NaN : t.getDeclaredCommSeconds(),
                t.getDeclaredPerBlockComputeSeconds() == null ? Double.NaN : t.getDeclaredPerBlockComputeSeconds(),
                ServerLiveness.valueOf(t.getStatus().name()));
    }
}
