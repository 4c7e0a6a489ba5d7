package io.chainplan.optimizer.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.IndexOfDispersion;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.ServerStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class InputChecksTest {
    private static DemandEstimate demand(String model, double rate, double lower, double upper) {
        return DemandEstimate.newBuilder().setModelId(model).setTimestampMillis(Instant.EPOCH)
                .setArrivalRatePerSecond(rate).setLowerPerSecond(lower).setUpperPerSecond(upper)
                .setWindowSeconds(60).setArrivals(1).build();
    }

    private static ServerEstimate server(String id, long memory, double comm, double compute) {
        return ServerEstimate.newBuilder().setServerId(id).setTimestampMillis(Instant.EPOCH).setMemoryBytes(memory)
                .setCommSeconds(comm).setPerBlockComputeSeconds(compute).setStatus(ServerStatus.UP)
                .setLastSeenMillis(Instant.EPOCH).build();
    }

    @Test
    void shouldAcceptAGoodDemandEstimateIncludingAnIdleModel() {
        assertThat(InputChecks.demandEstimate("m", demand("m", 1, 0.9, 1.1))).isEmpty();
        assertThat(InputChecks.demandEstimate("m", demand("m", 0, 0, 0.1))).isEmpty();
    }

    @Test
    void shouldNameTheFieldOfABadDemandEstimate() {
        assertThat(InputChecks.demandEstimate("m", demand("m", Double.NaN, 0, 1))).get().asString()
                .contains("arrivalRatePerSecond", "NaN");
        assertThat(InputChecks.demandEstimate("m", demand("m", -1, 0, 1))).get().asString().contains("-1.0");
        assertThat(InputChecks.demandEstimate("m", demand("m", 1, 2, 1))).get().asString().contains("lowerPerSecond");
        assertThat(InputChecks.demandEstimate("x", demand("m", 1, 1, 1))).get().asString().contains("key x");
    }

    @Test
    void shouldNameTheFieldOfBadBurstiness() {
        DemandEstimate nan = demand("m", 1, 0.9, 1.1);
        nan.setDispersions(List.of(new IndexOfDispersion(5.0, 3.0, 20L), new IndexOfDispersion(60.0, Double.NaN, 4L)));
        assertThat(InputChecks.demandEstimate("m", nan)).get().asString().contains("dispersions[1].index").contains("NaN");
        DemandEstimate negative = demand("m", 1, 0.9, 1.1);
        negative.setDispersions(List.of(new IndexOfDispersion(5.0, -2.0, 20L)));
        assertThat(InputChecks.demandEstimate("m", negative)).get().asString().contains("dispersions[0].index");
        DemandEstimate oneWindow = demand("m", 1, 0.9, 1.1);
        oneWindow.setDispersions(List.of(new IndexOfDispersion(60.0, 2.0, 1L)));
        assertThat(InputChecks.demandEstimate("m", oneWindow)).get().asString().contains("dispersions[0].windows");
        DemandEstimate good = demand("m", 1, 0.9, 1.1);
        good.setDispersions(List.of(new IndexOfDispersion(60.0, 40.0, 10L)));
        good.setBurstinessArrivals(600L);
        assertThat(InputChecks.demandEstimate("m", good)).isEmpty();
        assertThat(AvroMappers.burstiness(good).dispersions()).singleElement()
                .satisfies(d -> assertThat(d.index()).isEqualTo(40.0));
    }

    @Test
    void shouldNameTheFieldOfABadServerEstimate() {
        assertThat(InputChecks.serverEstimate("s", server("s", 10, 0.1, 0.1))).isEmpty();
        assertThat(InputChecks.serverEstimate("s", server("s", -1, 0.1, 0.1))).get().asString().contains("memoryBytes");
        assertThat(InputChecks.serverEstimate("s", server("s", 10, Double.POSITIVE_INFINITY, 0.1))).get().asString()
                .contains("commSeconds");
        assertThat(InputChecks.serverEstimate("s", server("s", 10, 0.1, 0))).get().asString()
                .contains("perBlockComputeSeconds");
    }

    @Test
    void shouldNameTheCoefficientOfBadTokenTimings() {
        ServerEstimate e = server("s", 10, 0.1, 0.1);
        e.setTokenTimings(io.chainplan.schemas.avro.TokenTimingEstimate.newBuilder().setBlockOverheadSeconds(0.001)
                .setPrefillSecondsPerToken(2e-5).setDecodeSecondsPerToken(-1e-3).setCommSecondsPerRequest(0.02)
                .setCommSecondsPerToken(Double.NaN).setBlockOverheadStdErr(0).setPrefillPerTokenStdErr(0)
                .setDecodePerTokenStdErr(0).setCommPerRequestStdErr(0).setCommPerTokenStdErr(0).setComputeSamples(0)
                .setCommSamples(0).setReferenceInputTokens(2000).setReferenceOutputTokens(20).build());
        assertThat(InputChecks.serverEstimate("s", e)).get().asString()
                .isEqualTo("tokenTimings.decodeSecondsPerToken of server s must be a finite number >= 0, was -0.001");
    }
}
