package io.chainplan.ingest.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.chainplan.optimizer.model.TokenMix;
import org.junit.jupiter.api.Test;

class ServerEstimatorTest {
    private static final long GIB = 1L << 30;
    private static final long FIT_SEED = 77L;
    private static final ServerEstimator ESTIMATOR = new ServerEstimator(GIB, 30_000, 10, EmissionRule.defaults(),
            TimingPrior.defaults());

    /** The estimate when the server's model declares no token mix. */
    private static java.util.Optional<ServerEstimateValue> estimate(ServerState s) {
        return ESTIMATOR.estimate(s, TokenMix.UNKNOWN);
    }

    private static TelemetryReport report(long at) {
        return new TelemetryReport("llama", at, 40 * GIB, 0.02, 0.109, ServerLiveness.UP);
    }

    @Test
    void shouldSubtractTheReserveAndFallBackToDeclaredTimings() {
        ServerState s = ESTIMATOR.onTelemetry(ServerState.EMPTY, report(1_000), LivenessClock.caughtUp(1_000));
        ServerEstimateValue e = estimate(s).orElseThrow();
        assertThat(e.memoryBytes()).isEqualTo(39 * GIB);
        assertThat(e.commSeconds()).isEqualTo(0.02);
        assertThat(e.computeSeconds()).isEqualTo(0.109);
        assertThat(e.commSamples()).isZero();
        assertThat(e.status()).isEqualTo(ServerLiveness.UP);
        assertThat(e.modelId()).isEqualTo("llama");
    }

    @Test
    void shouldPreferMeasuredTimingsOnceTheyRestOnEnoughSamples() {
        ServerState s = ESTIMATOR.onTelemetry(ServerState.EMPTY, report(1_000), LivenessClock.caughtUp(1_000));
        s = ESTIMATOR.onTiming(s, TimingSummary.withoutFits(0.03, 9, 0.2, 9, 2_000));
        assertThat(estimate(s).orElseThrow().computeSeconds()).isEqualTo(0.109);
        s = ESTIMATOR.onTiming(s, TimingSummary.withoutFits(0.03, 10, 0.2, 10, 3_000));
        ServerEstimateValue e = estimate(s).orElseThrow();
        assertThat(e.computeSeconds()).isEqualTo(0.2);
        assertThat(e.computeSamples()).isEqualTo(10);
        assertThat(e.atMillis()).isEqualTo(3_000);
        assertThat(ESTIMATOR.onTiming(s, TimingSummary.withoutFits(0.5, 11, 0.5, 11, 2_500))).as("older summary ignored").isEqualTo(s);
    }

    @Test
    void shouldPublishTheFittedCoefficientsAndTauAtTheServersRecentMix() {
        ServerState s = ESTIMATOR.onTelemetry(ServerState.EMPTY, report(1_000), LivenessClock.caughtUp(1_000));
        TokenMix declaredMix = new TokenMix(2000, 20);
        ServerEstimateValue declared = ESTIMATOR.estimate(s, declaredMix).orElseThrow();
        assertThat(declared.tokenTimings().present()).isTrue();
        assertThat(declared.tokenTimings().computeFallback()).isEqualTo(TokenTimingEstimate.TOO_FEW_SAMPLES);
        assertThat(declared.tokenTimings().perBlockSeconds()).as("the declared split at the declared mix").isCloseTo(0.109, within(1e-12));
        assertThat(declared.computeSeconds()).isEqualTo(0.109);
        s = ESTIMATOR.emitted(s, declared);

        TokenFit[] f = TokenTimingsTestData.fit(new TokenRegression(50, 3), new TokenTimingsTestData(FIT_SEED, 0.05, 0, 4000, 400),
                TokenTimingsTestData.TRUE, 200, TokenTimingsTestData.empty());
        s = ESTIMATOR.onTiming(s, new TimingSummary(0.5, 200, 0.3, 200, 2_000, f[0], f[1]));
        ServerEstimateValue e = ESTIMATOR.estimate(s, declaredMix).orElseThrow();
        TokenTimingEstimate tt = e.tokenTimings();
        assertThat(tt.computeFitted()).isTrue();
        assertThat(tt.commFitted()).isTrue();
        assertThat(e.computeSeconds()).isEqualTo(tt.perBlockSeconds());
        assertThat(e.commSeconds()).isEqualTo(tt.commSeconds());
        assertThat(e.computeSeconds()).isCloseTo(TokenTimingsTestData.TRUE.perBlockSeconds(tt.referenceInputTokens(),
                tt.referenceOutputTokens()), within(0.03 * e.computeSeconds()));
        assertThat(e.computeSamples()).isEqualTo(200);
        assertThat(ESTIMATOR.shouldEmit(s, e)).as("fitted instead of declared").isTrue();
    }

    @Test
    void shouldUseFewMeasuredSamplesWhenNothingIsDeclared() {
        ServerState s = ESTIMATOR.onTelemetry(ServerState.EMPTY,
                new TelemetryReport("", 1_000, 20 * GIB, Double.NaN, Double.NaN, ServerLiveness.UP), LivenessClock.caughtUp(1_000));
        assertThat(estimate(s)).isEmpty();
        s = ESTIMATOR.onTiming(s, TimingSummary.withoutFits(0.03, 2, 0.2, 2, 2_000));
        assertThat(estimate(s).orElseThrow().computeSamples()).isEqualTo(2);
    }

    @Test
    void shouldNotGoDownWhileEveryInputIsSilentOrBehind() {
        ServerState s = ESTIMATOR.onTelemetry(ServerState.EMPTY, report(1_000), LivenessClock.caughtUp(1_000));
        // the wall clock ran 60 s, but nothing newer than this server's report was processed: an outage
        // of the pipeline (or a backlog), not of the server
        assertThat(ESTIMATOR.checkLiveness(s, new LivenessClock(61_000, 1_000)).status()).isEqualTo(ServerLiveness.UP);
        assertThat(ESTIMATOR.checkLiveness(s, new LivenessClock(61_000, 31_000)).status()).isEqualTo(ServerLiveness.UP);
        // a record processed late, while the ingest works through a backlog, is not stale
        assertThat(ESTIMATOR.onTelemetry(s, report(2_000), new LivenessClock(90_000, 2_500)).status())
                .isEqualTo(ServerLiveness.UP);
        // once other inputs are 30 s past its last report, the silence is the server's
        assertThat(ESTIMATOR.checkLiveness(s, new LivenessClock(61_000, 31_001)).status()).isEqualTo(ServerLiveness.DOWN);
    }

    @Test
    void shouldCountSilenceFromWhereTheInputsResumedAfterAnOutage() {
        ServerState s = ESTIMATOR.onTelemetry(ServerState.EMPTY, report(1_000), LivenessClock.caughtUp(1_000));
        // every input stopped for 100 s (a broker outage); the first report processed after it is another
        // server's, at 101 s: this one's report of 101 s is just behind it, it has not been silent
        assertThat(ESTIMATOR.checkLiveness(s, new LivenessClock(101_500, 101_000, 101_000)).status())
                .isEqualTo(ServerLiveness.UP);
        assertThat(ESTIMATOR.checkLiveness(s, new LivenessClock(131_000, 131_000, 101_000)).status())
                .isEqualTo(ServerLiveness.UP);
        // silent for 30 s of inputs since they resumed: the silence is the server's
        assertThat(ESTIMATOR.checkLiveness(s, new LivenessClock(131_001, 131_001, 101_000)).status())
                .isEqualTo(ServerLiveness.DOWN);
    }

    @Test
    void shouldGoDownAfterSilenceAndUpOnTheNextFreshRecord() {
        ServerState s = ESTIMATOR.onTelemetry(ServerState.EMPTY, report(1_000), LivenessClock.caughtUp(1_000));
        assertThat(ESTIMATOR.checkLiveness(s, LivenessClock.caughtUp(31_000)).status()).isEqualTo(ServerLiveness.UP);
        ServerState down = ESTIMATOR.checkLiveness(s, LivenessClock.caughtUp(31_001));
        assertThat(down.status()).isEqualTo(ServerLiveness.DOWN);
        assertThat(ESTIMATOR.onTelemetry(down, report(40_000), LivenessClock.caughtUp(40_500)).status()).isEqualTo(ServerLiveness.UP);
        assertThat(ESTIMATOR.onTelemetry(down, report(2_000), LivenessClock.caughtUp(40_500)).status()).as("a stale record").isEqualTo(ServerLiveness.DOWN);
    }

    @Test
    void shouldTakeMemoryFromGpuMetricsWhenTelemetryHasNone() {
        ServerState s = ESTIMATOR.onGpuMemory(ServerState.EMPTY, new GpuMemorySample(GpuMemorySample.Kind.USED, 10 * GIB, 1_000), LivenessClock.caughtUp(1_000));
        assertThat(s.totalMemoryBytes()).isEqualTo(-1);
        s = ESTIMATOR.onGpuMemory(s, new GpuMemorySample(GpuMemorySample.Kind.FREE, 30 * GIB, 1_000), LivenessClock.caughtUp(1_000));
        assertThat(s.totalMemoryBytes()).isEqualTo(40 * GIB);
        s = ESTIMATOR.onGpuMemory(s, new GpuMemorySample(GpuMemorySample.Kind.TOTAL, 41 * GIB, 1_000), LivenessClock.caughtUp(1_000));
        assertThat(s.totalMemoryBytes()).isEqualTo(41 * GIB);
        assertThat(s.status()).isEqualTo(ServerLiveness.UP);
    }

    @Test
    void shouldPublishOnStatusOrMaterialChangeOrHeartbeatOnly() {
        ServerState s = ESTIMATOR.onTelemetry(ServerState.EMPTY, report(1_000), LivenessClock.caughtUp(1_000));
        ServerEstimateValue e = estimate(s).orElseThrow();
        assertThat(ESTIMATOR.shouldEmit(s, e)).isTrue();
        s = ESTIMATOR.emitted(s, e);
        s = ESTIMATOR.onTelemetry(s, report(11_000), LivenessClock.caughtUp(11_000));
        assertThat(ESTIMATOR.shouldEmit(s, estimate(s).orElseThrow())).isFalse();
        ServerState down = ESTIMATOR.checkLiveness(s, LivenessClock.caughtUp(50_000));
        assertThat(ESTIMATOR.shouldEmit(down, estimate(down).orElseThrow())).isTrue();
        s = ESTIMATOR.onTelemetry(s, report(61_000), LivenessClock.caughtUp(61_000));
        assertThat(ESTIMATOR.shouldEmit(s, estimate(s).orElseThrow())).as("heartbeat").isTrue();
    }
}
