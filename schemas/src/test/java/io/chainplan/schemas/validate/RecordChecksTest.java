package io.chainplan.schemas.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.HopTiming;
import io.chainplan.schemas.avro.IndexOfDispersion;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.ServerTelemetry;
import io.chainplan.schemas.testing.SampleRecords;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class RecordChecksTest {
    private static final long NOW = SampleRecords.T0.toEpochMilli();
    private static final long SKEW = 300_000;
    private static final ModelBounds LLAMA = ModelBounds.of(SampleRecords.modelSpec());

    @Test
    void shouldAcceptTheSampleOfEveryKind() {
        assertThat(RecordChecks.modelSpec("llama-2-7b", SampleRecords.modelSpec())).isEmpty();
        assertThat(RecordChecks.serverTelemetry("s001", SampleRecords.serverTelemetry(), NOW, SKEW)).isEmpty();
        assertThat(RecordChecks.requestEvent("llama-2-7b", SampleRecords.requestEvent(), LLAMA, NOW, SKEW)).isEmpty();
        assertThat(RecordChecks.serverEstimate("s001", SampleRecords.serverEstimate())).isEmpty();
        assertThat(RecordChecks.demandEstimate("llama-2-7b", SampleRecords.demandEstimate())).isEmpty();
    }

    @Test
    void shouldRejectModelSpecsOutsideThePlausibilityLimits() {
        assertThat(model(b -> b.setBlockBytes(0))).contains("blockBytes of model llama-2-7b must be in [1, 17592186044416] (16 TiB), was 0");
        assertThat(model(b -> b.setCacheBytesPerBlockPerJob(-5))).hasValueSatisfying(p -> p.startsWith("cacheBytesPerBlockPerJob"));
        assertThat(model(b -> b.setBlocks(0))).contains("blocks of model llama-2-7b must be in [1, 1024], was 0");
        assertThat(model(b -> b.setBlocks(100_000))).hasValueSatisfying(p -> p.contains("[1, 1024]"));
        assertThat(model(b -> b.setBlockBytes(InputLimits.MAX_MEMORY_BYTES))).hasValueSatisfying(
                p -> p.startsWith("blockBytes + cacheBytesPerBlockPerJob of model llama-2-7b"));
        assertThat(model(b -> b.setContextTokens(0))).hasValueSatisfying(p -> p.startsWith("contextTokens"));
        assertThat(model(b -> b.setMeanInputTokens(Double.NaN))).contains(
                "meanInputTokens of model llama-2-7b must be in [0, 2048] (the model's contextTokens), was NaN");
        assertThat(model(b -> b.setMeanOutputTokens(-1))).hasValueSatisfying(p -> p.startsWith("meanOutputTokens"));
        assertThat(model(b -> b.setMeanInputTokens(5000))).hasValueSatisfying(p -> p.contains("was 5000.0"));
        assertThat(model(b -> b.setId(""))).contains("id must not be empty");
        assertThat(model(b -> b.setDeclaredRatePerSecond(0.0))).contains("declaredRatePerSecond of model llama-2-7b must"
                + " be above 0 requests per second (leave it out to wait for the first demand estimate), was 0.0");
        assertThat(model(b -> b.setDeclaredRatePerSecond(Double.POSITIVE_INFINITY))).hasValueSatisfying(
                p -> p.startsWith("declaredRatePerSecond of model llama-2-7b must be a finite number"));
        assertThat(model(b -> b.setDeclaredRatePerSecond(2.5))).isEmpty();
        assertThat(RecordChecks.modelSpec("other", SampleRecords.modelSpec()))
                .contains("record key \"other\" must equal id \"llama-2-7b\"");
    }

    @Test
    void shouldRejectTelemetryOutsideThePlausibilityLimits() {
        assertThat(telemetry(b -> b.setTotalMemoryBytes(Long.MAX_VALUE))).hasValueSatisfying(
                p -> p.startsWith("totalMemoryBytes of server s001 must be in [1, 17592186044416]"));
        assertThat(telemetry(b -> b.setTotalMemoryBytes(100_000_000_000_000L))).isPresent();
        assertThat(telemetry(b -> b.setTotalMemoryBytes(0))).isPresent();
        assertThat(telemetry(b -> b.setUsedMemoryBytes(50_000_000_000L))).hasValueSatisfying(p -> p.startsWith("usedMemoryBytes"));
        assertThat(telemetry(b -> b.setDeclaredCommSeconds(1e9))).hasValueSatisfying(p -> p.startsWith("declaredCommSeconds"));
        assertThat(telemetry(b -> b.setDeclaredPerBlockComputeSeconds(0.0))).hasValueSatisfying(
                p -> p.startsWith("declaredPerBlockComputeSeconds of server s001 must be a finite number in (0, 86400]"));
        assertThat(telemetry(b -> b.setModelId(" "))).contains("modelId of server s001 must not be empty");
        assertThat(telemetry(b -> b.setTimestampMillis(SampleRecords.T0.plusSeconds(301)))).hasValueSatisfying(
                p -> p.contains("in the future"));
        assertThat(telemetry(b -> b.setDeclaredCommSeconds(null).setDeclaredPerBlockComputeSeconds(null).setUsedMemoryBytes(null)
                .setModelId(null))).isEmpty();
    }

    @Test
    void shouldRejectRequestEventsOutsideTheirModelAndFleet() {
        assertThat(request(b -> b.setInputTokens(4000))).as("beyond the spec's (default) context: a good long request")
                .isEmpty();
        assertThat(request(b -> b.setInputTokens(1 << 24))).contains(
                "inputTokens + outputTokens of request r-1 must be at most 16777216 tokens (the longest context), were 16777216 + 20");
        assertThat(request(b -> b.setOutputTokens(-1))).hasValueSatisfying(p -> p.startsWith("token counts of request r-1"));
        assertThat(request(b -> b.setWaitSeconds(Double.NaN))).hasValueSatisfying(p -> p.startsWith("waitSeconds of request r-1"));
        assertThat(request(b -> b.setResponseSeconds(1e6))).hasValueSatisfying(p -> p.startsWith("responseSeconds"));
        assertThat(request(b -> b.setRequestId(""))).contains("requestId must not be empty");
        assertThat(request(b -> b.setHops(List.of(hop("s001", 0, 33, 1.0, 0.1))))).hasValueSatisfying(
                p -> p.contains("must satisfy 0 <= start < end <= 32"));
        assertThat(request(b -> b.setHops(List.of(hop("s001", 0, 32, 0.0, 0.1))))).hasValueSatisfying(
                p -> p.startsWith("hop 0 of request r-1 (s001): computeSeconds must be a finite number in (0, 86400]"));
        assertThat(request(b -> b.setHops(List.of(hop("s001", 0, 32, 1.0, Double.POSITIVE_INFINITY))))).hasValueSatisfying(
                p -> p.contains("networkSeconds"));
        List<HopTiming> tooMany = new ArrayList<>();
        for (int i = 0; i < 33; i++) {
            tooMany.add(hop("s001", 0, 1, 0.1, 0.1));
        }
        assertThat(request(b -> b.setHops(tooMany))).contains("hops of request r-1: at most 32 (one per block), were 33");
        assertThat(RecordChecks.requestEvent("llama-2-7b", SampleRecords.requestEvent(), null, NOW, SKEW))
                .contains("unknown model \"llama-2-7b\" (not on the models topic)");
    }

    @Test
    void shouldRejectServerEstimatesTheSolverCannotUse() {
        assertThat(estimate(b -> b.setMemoryBytes(Long.MAX_VALUE))).hasValueSatisfying(p -> p.startsWith("memoryBytes of server s001"));
        assertThat(estimate(b -> b.setPerBlockComputeSeconds(0))).hasValueSatisfying(p -> p.startsWith("perBlockComputeSeconds"));
        assertThat(estimate(b -> b.setCommSeconds(Double.NaN))).hasValueSatisfying(p -> p.startsWith("commSeconds"));
        assertThat(estimate(b -> b.setModelId(""))).contains("modelId of server s001 must not be empty");
        ServerEstimate e = SampleRecords.serverEstimate();
        e.getTokenTimings().setDecodeSecondsPerToken(-1);
        assertThat(RecordChecks.serverEstimate("s001", e)).hasValueSatisfying(
                p -> p.startsWith("tokenTimings.decodeSecondsPerToken of server s001"));
        assertThat(RecordChecks.serverEstimate("s002", SampleRecords.serverEstimate()))
                .contains("record key \"s002\" must equal serverId \"s001\"");
    }

    @Test
    void shouldRejectDemandEstimatesTheSolverCannotUse() {
        assertThat(demand(b -> b.setArrivalRatePerSecond(1e300))).hasValueSatisfying(p -> p.startsWith("arrivalRatePerSecond"));
        assertThat(demand(b -> b.setArrivalRatePerSecond(-1))).isPresent();
        assertThat(demand(b -> b.setWindowSeconds(0))).hasValueSatisfying(p -> p.startsWith("windowSeconds"));
        assertThat(demand(b -> b.setLowerPerSecond(4))).contains("lowerPerSecond 4.0 > upperPerSecond 3.0 of model llama-2-7b");
        assertThat(demand(b -> b.setDispersions(List.of(new IndexOfDispersion(5.0, Double.NaN, 10L))))).contains(
                "dispersions[0].index of model llama-2-7b must be a finite number >= 0, was NaN");
        assertThat(demand(b -> b.setDispersions(List.of(new IndexOfDispersion(5.0, 1.0, 1L))))).contains(
                "dispersions[0].windows of model llama-2-7b must be >= 2, was 1");
        assertThat(demand(b -> b.setBurstinessArrivals(-1))).hasValueSatisfying(p -> p.startsWith("burstinessArrivals"));
        assertThat(demand(b -> b.setArrivalRatePerSecond(0).setLowerPerSecond(0).setUpperPerSecond(0.1)
                .setDispersions(List.of()))).as("an idle model").isEmpty();
        assertThat(RecordChecks.demandEstimate("x", SampleRecords.demandEstimate()))
                .contains("record key \"x\" must equal modelId \"llama-2-7b\"");
    }

    private static Optional<String> model(Consumer<ModelSpec.Builder> change) {
        ModelSpec.Builder b = ModelSpec.newBuilder(SampleRecords.modelSpec());
        change.accept(b);
        ModelSpec m = b.build();
        return RecordChecks.modelSpec(m.getId(), m);
    }

    private static Optional<String> telemetry(Consumer<ServerTelemetry.Builder> change) {
        ServerTelemetry.Builder b = ServerTelemetry.newBuilder(SampleRecords.serverTelemetry());
        change.accept(b);
        return RecordChecks.serverTelemetry("s001", b.build(), NOW, SKEW);
    }

    private static Optional<String> request(Consumer<RequestEvent.Builder> change) {
        RequestEvent.Builder b = RequestEvent.newBuilder(SampleRecords.requestEvent());
        change.accept(b);
        return RecordChecks.requestEvent("llama-2-7b", b.build(), LLAMA, NOW, SKEW);
    }

    private static Optional<String> estimate(Consumer<ServerEstimate.Builder> change) {
        ServerEstimate.Builder b = ServerEstimate.newBuilder(SampleRecords.serverEstimate());
        change.accept(b);
        return RecordChecks.serverEstimate("s001", b.build());
    }

    private static Optional<String> demand(Consumer<DemandEstimate.Builder> change) {
        DemandEstimate.Builder b = DemandEstimate.newBuilder(SampleRecords.demandEstimate());
        change.accept(b);
        return RecordChecks.demandEstimate("llama-2-7b", b.build());
    }

    private static HopTiming hop(String server, int start, int end, double compute, double network) {
        return HopTiming.newBuilder().setServerId(server).setStartBlock(start).setEndBlock(end).setComputeSeconds(compute)
                .setNetworkSeconds(network).build();
    }
}
