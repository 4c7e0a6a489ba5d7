package io.chainplan.schemas.testing;

import io.chainplan.schemas.avro.BlockAssignment;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.DispatchLease;
import io.chainplan.schemas.avro.HopTiming;
import io.chainplan.schemas.avro.IndexOfDispersion;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.PlanChain;
import io.chainplan.schemas.avro.PlanChange;
import io.chainplan.schemas.avro.PlanHop;
import io.chainplan.schemas.avro.PlanInputs;
import io.chainplan.schemas.avro.PlanStatus;
import io.chainplan.schemas.avro.PlanTrigger;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.RequestEventKind;
import io.chainplan.schemas.avro.ResponseTimeBounds;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.ServerParameters;
import io.chainplan.schemas.avro.ServerStatus;
import io.chainplan.schemas.avro.ServerTelemetry;
import io.chainplan.schemas.avro.SolverStats;
import io.chainplan.schemas.avro.TokenTimingEstimate;
import io.chainplan.schemas.avro.TriggerKind;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * One fully populated instance of every top-level schema (optional fields set), for serde tests in
 * any module. Values follow the paper's LLaMA-2-7B example (DESIGN.md 1.3).
 */
public final class SampleRecords {
    /** A fixed instant, so records are reproducible. */
    public static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_000L);

    private SampleRecords() {
    }

    /** @return LLaMA-2-7B: L = 32, s_m = 0.4375 GB, s_c = 0.0336 GB */
    public static ModelSpec modelSpec() {
        return ModelSpec.newBuilder().setId("llama-2-7b").setBlocks(32).setBlockBytes(437_500_000L)
                .setCacheBytesPerBlockPerJob(33_600_000L).setContextTokens(2048).setMeanInputTokens(2000)
                .setMeanOutputTokens(20).setUpdatedAtMillis(T0).build();
    }

    /** @return a 40 GB server's report */
    public static ServerTelemetry serverTelemetry() {
        return ServerTelemetry.newBuilder().setServerId("s001").setModelId("llama-2-7b").setTimestampMillis(T0)
                .setTotalMemoryBytes(40_000_000_000L).setUsedMemoryBytes(12_000_000_000L).setDeclaredCommSeconds(0.25)
                .setDeclaredPerBlockComputeSeconds(0.109).setStatus(ServerStatus.DRAINING).setGpuModel("A100-40GB").build();
    }

    /** @return a completed request with two hops */
    public static RequestEvent requestEvent() {
        return RequestEvent.newBuilder().setRequestId("r-1").setModelId("llama-2-7b").setKind(RequestEventKind.COMPLETED)
                .setTimestampMillis(T0).setInputTokens(2000).setOutputTokens(20).setPlanEpoch(3L).setWaitSeconds(0.5)
                .setResponseSeconds(7.25).setHops(List.of(
                        new HopTiming("s001", 0, 16, 1.75, 0.125),
                        new HopTiming("s002", 16, 32, 2.75, 0.25))).build();
    }

    /** @return an estimate with measured samples */
    public static ServerEstimate serverEstimate() {
        return ServerEstimate.newBuilder().setServerId("s001").setModelId("llama-2-7b").setTimestampMillis(T0)
                .setMemoryBytes(38_000_000_000L).setCommSeconds(0.26).setPerBlockComputeSeconds(0.11).setCommSamples(40)
                .setComputeSamples(41).setStatus(ServerStatus.UP).setLastSeenMillis(T0)
                .setTokenTimings(TokenTimingEstimate.newBuilder().setBlockOverheadSeconds(0.001).setPrefillSecondsPerToken(4.2e-5)
                        .setDecodeSecondsPerToken(1.3e-3).setCommSecondsPerRequest(0.02).setCommSecondsPerToken(0.02)
                        .setBlockOverheadStdErr(2e-4).setPrefillPerTokenStdErr(1e-6).setDecodePerTokenStdErr(2e-5)
                        .setCommPerRequestStdErr(3e-3).setCommPerTokenStdErr(1e-4).setComputeSamples(41).setCommSamples(40)
                        .setComputeFallback("").setCommFallback("").setReferenceInputTokens(1155.0).setReferenceOutputTokens(211.0)
                        .build())
                .build();
    }

    /** @return a demand estimate of 2.57 req/s */
    public static DemandEstimate demandEstimate() {
        return DemandEstimate.newBuilder().setModelId("llama-2-7b").setTimestampMillis(T0).setArrivalRatePerSecond(2.57)
                .setLowerPerSecond(2.1).setUpperPerSecond(3.0).setWindowSeconds(60).setArrivals(154)
                .setMeanInputTokens(1900.5).setMeanOutputTokens(22.5)
                .setDispersions(List.of(new IndexOfDispersion(5.0, 3.5, 120L), new IndexOfDispersion(10.0, 5.25, 60L),
                        new IndexOfDispersion(60.0, 9.0, 10L)))
                .setBurstinessArrivals(1542).setBurstinessSeconds(600.0).setPeakRatePerSecond(9.4).build();
    }

    /** @return a plan with one two-hop chain, bounds and a change summary */
    public static ChainPlan chainPlan() {
        ServerParameters s1 = new ServerParameters("s001", 40_000_000_000L, 0.25, 0.109, null);
        ServerParameters s2 = new ServerParameters("s002", 20_000_000_000L, 0.30, 0.175, null);
        PlanInputs inputs = PlanInputs.newBuilder().setModel(modelSpec()).setServers(List.of(s1, s2))
                .setArrivalRatePerSecond(2.57).setTargetLoad(0.7).setObjective("lower-bound")
                .setFixedPlacement(List.of()).build();
        List<BlockAssignment> placements = List.of(new BlockAssignment("s001", 0, 16, 97),
                new BlockAssignment("s002", 16, 32, 40));
        PlanChain chain = new PlanChain(List.of(new PlanHop("s001", 0, 16), new PlanHop("s002", 16, 32)), 5, 5.05);
        return ChainPlan.newBuilder().setEpoch(3).setModelId("llama-2-7b").setCreatedAtMillis(T0)
                .setTrigger(new PlanTrigger(TriggerKind.DEMAND_SHIFT, "rate 2.1 -> 2.57 req/s")).setStatus(PlanStatus.OK)
                .setReason(null).setInputs(inputs).setC(35).setArrivalRate(2.57).setPlacements(placements)
                .setChains(List.of(chain)).setTotalServiceRatePerSecond(0.99)
                .setBounds(new ResponseTimeBounds(7.1, 7.9))
                .setSolver(new SolverStats(3.2, "lower-bound", 320, 41))
                .setReplaces(PlanChange.newBuilder().setPreviousEpoch(2).setServersMoved(1).setBlocksMoved(4)
                        .setBytesMoved(1_750_000_000L).setKeepPlacementLowerSeconds(8.0).setReplaceLowerSeconds(7.1)
                        .setDecision("replace: gain 0.9 s").build())
                .build();
    }

    /** @return a lease on the one chain of {@link #chainPlan()} */
    public static DispatchLease dispatchLease() {
        return DispatchLease.newBuilder().setLeaseId("6f1c2f2e-4a4b-4b6e-9d7e-3f1a2b3c4d5e").setModelId("llama-2-7b")
                .setPlanEpoch(3).setChainIndex(0)
                .setHops(List.of(new PlanHop("s001", 0, 16), new PlanHop("s002", 16, 32)))
                .setGrantedAtMillis(T0).setExpiresAtMillis(T0.plusSeconds(30)).setInstanceId("dispatch-0").build();
    }

    /** @return one record of every top-level schema */
    public static List<SpecificRecord> all() {
        return List.of(modelSpec(), serverTelemetry(), requestEvent(), serverEstimate(), demandEstimate(), chainPlan(),
                dispatchLease());
    }
}
