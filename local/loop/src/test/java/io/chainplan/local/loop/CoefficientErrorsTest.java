package io.chainplan.local.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.optimizer.model.TokenTimings;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.TokenTimingEstimate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoefficientErrorsTest {
    private static TokenTimingEstimate estimate(TokenTimings t, double scale, long samples, String fallback) {
        return TokenTimingEstimate.newBuilder().setBlockOverheadSeconds(t.blockOverheadSeconds() * scale)
                .setPrefillSecondsPerToken(t.prefillSecondsPerToken() * scale)
                .setDecodeSecondsPerToken(t.decodeSecondsPerToken() * scale)
                .setCommSecondsPerRequest(t.commSecondsPerRequest() * scale)
                .setCommSecondsPerToken(t.commSecondsPerToken() * scale)
                .setBlockOverheadStdErr(0).setPrefillPerTokenStdErr(0).setDecodePerTokenStdErr(0)
                .setCommPerRequestStdErr(0).setCommPerTokenStdErr(0)
                .setComputeSamples(samples).setCommSamples(samples).setComputeFallback(fallback).setCommFallback(fallback)
                .setReferenceInputTokens(100).setReferenceOutputTokens(10).build();
    }

    private static RunRecorder.ObservedServer seen(double at, SimServer s, TokenTimingEstimate t) {
        return new RunRecorder.ObservedServer(at, ServerEstimate.newBuilder().setServerId(s.id()).setTimestampMillis(Instant.EPOCH)
                .setMemoryBytes(s.memoryBytes()).setCommSeconds(0).setPerBlockComputeSeconds(0).setLastSeenMillis(Instant.EPOCH)
                .setTokenTimings(t).build());
    }

    @Test
    void shouldReportEachServersLatestEstimateAgainstTheTruthAndWhyPartsAreDeclared() {
        SimFleet fleet = SimFleet.paperMig();
        SimServer a = fleet.servers().get(0);
        SimServer b = fleet.servers().get(1);
        List<RunRecorder.ObservedServer> seen = List.of(
                seen(10, a, estimate(a.timings(), 1.2, 0, "too-few-samples")),
                seen(10, b, estimate(b.timings(), 1.1, 0, "too-few-samples")),
                seen(200, a, estimate(a.timings(), 1.0, 40, "")));

        List<String> lines = CoefficientErrors.lines(fleet, seen, 0, 60, 300);

        assertThat(lines).hasSize(4);
        assertThat(lines.get(2)).as("after 60 s: both declared, 10% and 20% off")
                .contains("10.0% / 20.0%").contains("0, 0 of 2 (declared: comm too-few-samples 2, compute too-few-samples 2)");
        assertThat(lines.get(3)).as("after 300 s: a fitted exactly, b still declared")
                .contains(" 0.0% / 10.0%").contains("1, 1 of 2 (declared: comm too-few-samples 1, compute too-few-samples 1)");
    }

    @Test
    void shouldTellAnInterceptTradedAgainstItsSlopeFromAWrongServiceTimeAtTheMix() {
        SimFleet fleet = SimFleet.paperMig();
        SimServer a = fleet.servers().get(0);
        TokenTimings t = a.timings();
        // t_o doubled and the prefill per token lowered so that tau_p at the reference mix (100 in, 10 out) is unchanged
        TokenTimings traded = new TokenTimings(2 * t.blockOverheadSeconds(),
                t.prefillSecondsPerToken() - t.blockOverheadSeconds() / 100, t.decodeSecondsPerToken(),
                t.commSecondsPerRequest(), t.commSecondsPerToken());

        List<String> lines = CoefficientErrors.lines(fleet, List.of(seen(10, a, estimate(traded, 1.0, 40, ""))), 0, 60);

        assertThat(lines.get(1)).contains("tau_p at mix").contains("tau_c at mix");
        assertThat(lines.get(2)).as("t_o 100% off and t_in 91% off, yet tau_p and tau_c at the mix exact")
                .startsWith("      60 s  100.0% /100.0%").contains("    0.0% /  0.0%    0.0% /  0.0%  1, 1 of 1");
    }
}
