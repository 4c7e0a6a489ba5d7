package io.chainplan.ingest.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.ingest.estimate.ArrivalCounts;
import io.chainplan.ingest.estimate.ArrivalRateEstimator;
import io.chainplan.ingest.estimate.BucketTotals;
import io.chainplan.ingest.estimate.BurstinessState;
import io.chainplan.ingest.estimate.ClosedBucket;
import io.chainplan.ingest.estimate.DemandEstimatorSettings;
import io.chainplan.ingest.estimate.DemandPending;
import io.chainplan.ingest.estimate.DemandState;
import io.chainplan.ingest.estimate.EmissionRule;
import io.chainplan.ingest.estimate.GpuMemorySample;
import io.chainplan.ingest.estimate.HopTimingTracker;
import io.chainplan.ingest.estimate.LivenessClock;
import io.chainplan.ingest.estimate.RobustMeanEstimator;
import io.chainplan.ingest.estimate.ServerEstimator;
import io.chainplan.ingest.estimate.ServerLiveness;
import io.chainplan.ingest.estimate.ServerState;
import io.chainplan.ingest.estimate.ServerTiming;
import io.chainplan.ingest.estimate.TelemetryReport;
import io.chainplan.ingest.estimate.TimingPrior;
import io.chainplan.ingest.estimate.ServerEstimateValue;
import io.chainplan.ingest.estimate.TimingSummary;
import io.chainplan.ingest.estimate.TokenFit;
import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.ingest.estimate.TokenTimingEstimate;
import io.chainplan.ingest.estimate.TokenRegression;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class InternalSerdesTest {
    private static <T> T roundTrip(Serde<T> serde, T value) {
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", value));
    }

    @Test
    void shouldRoundTripDemandValues() {
        ArrivalRateEstimator est = new ArrivalRateEstimator(DemandEstimatorSettings.defaults());
        DemandState s = est.start(DemandState.EMPTY, 0);
        for (int i = 0; i < 20; i++) {
            ArrivalRateEstimator.Step step = est.close(s, BucketTotals.EMPTY.withArrival(100).withCompletion(7));
            s = step.state().withEmitted(step.estimate());
        }
        assertThat(roundTrip(InternalSerdes.demandState(), s)).isEqualTo(s);
        DemandPending p = DemandPending.startingAt(12_000, 5_000).add(12_000, 5_000, BucketTotals.EMPTY.withArrival(3))
                .add(17_000, 5_000, BucketTotals.EMPTY.withCompletion(9))
                .addLateCompletion(3_000, 5_000, BucketTotals.EMPTY.withCompletion(4).withCompletion(0));
        assertThat(roundTrip(InternalSerdes.demandPending(), p)).isEqualTo(p);
        assertThat(roundTrip(InternalSerdes.demandPending(), p).lateCompletions()).hasSize(1);
    }

    @Test
    void shouldReadVersionOneDemandStateWithItsRegimeBucketsAsTheBurstinessSpan() {
        ArrivalRateEstimator est = new ArrivalRateEstimator(DemandEstimatorSettings.defaults());
        DemandState s = est.start(DemandState.EMPTY, 0);
        for (int i = 0; i < 50; i++) {
            ArrivalRateEstimator.Step step = est.close(s, BucketTotals.EMPTY.withArrival(100).withArrival(0));
            s = step.state().withEmitted(step.estimate());
        }
        DemandState read = InternalSerdes.demandState().deserializer().deserialize("t", versionOne(s));
        DemandState state = s;
        // the regime's buckets (the state keeps older ones too, for the token means)
        long[] arrivals = new long[(int) s.buckets().stream().filter(b -> b.startMillis() >= state.regimeStartMillis())
                .count()];
        java.util.Arrays.fill(arrivals, 2);
        // buckets of before the completions were kept read as complete (their counts serve as they did)
        List<ClosedBucket> complete = s.buckets().stream().map(b -> new ClosedBucket(b.startMillis(),
                new BucketTotals(b.totals().arrivals(), b.totals().inputTokenCount(), b.totals().inputTokenSum(),
                        b.totals().arrivals(), 0, 0), b.clippedArrivals())).toList();
        assertThat(read).isEqualTo(new DemandState(s.evaluatedUntilMillis(), s.regimeStartMillis(), complete,
                new BurstinessState(ArrivalCounts.of(arrivals), ArrivalCounts.of(arrivals), DemandState.Cusum.ZERO,
                        DemandState.Cusum.ZERO), s.up(), s.down(), s.changePoints(), s.lastEmitted()));
        assertThat(est.estimate(read, false).burstiness().dispersions()).as("measured at once after the upgrade").isNotEmpty();
    }

    @Test
    void shouldKeepTheBurstinessHistoryAndReadVersionTwoWithTheSpanAsAllOfIt() {
        ArrivalRateEstimator est = new ArrivalRateEstimator(DemandEstimatorSettings.defaults());
        DemandState s = est.start(DemandState.EMPTY, 0);
        for (int i = 0; i < 40; i++) {
            ArrivalRateEstimator.Step step = est.close(s, BucketTotals.ofArrivals(i < 20 ? 5 : 60));
            s = step.state().withEmitted(step.estimate());
        }
        assertThat(s.burstiness().history().size()).isGreaterThan(s.burstiness().counts().size());
        assertThat(roundTrip(InternalSerdes.demandState(), s)).isEqualTo(s);

        byte[] v4 = InternalSerdes.demandState().serializer().serialize("t", s);
        int completions = s.buckets().size() * Long.BYTES;
        int tail = Integer.BYTES + s.burstiness().history().size() * (Long.BYTES + 1) + completions;
        byte[] v2 = java.util.Arrays.copyOf(v4, v4.length - tail);
        v2[0] = 2;
        DemandState read = InternalSerdes.demandState().deserializer().deserialize("t", v2);
        BurstinessState b = s.burstiness();
        assertThat(read.burstiness()).isEqualTo(new BurstinessState(b.counts(), b.clipped(), b.up(), b.down()));
        assertThat(read.burstiness().restartCount()).isZero();
    }

    @Test
    void shouldReadVersionOneDemandPendingWithItsBucketsComplete() {
        DemandPending p = DemandPending.startingAt(12_000, 5_000).add(12_000, 5_000, BucketTotals.EMPTY.withArrival(3))
                .add(17_000, 5_000, BucketTotals.EMPTY.withCompletion(9).withCompletion(4).withCompletion(0));
        ByteBuffer out = ByteBuffer.allocate(1024);
        out.put((byte) 1);
        out.putLong(p.evaluatedUntilMillis());
        out.putLong(p.maxEventMillis());
        out.putInt(p.buckets().size());
        for (DemandPending.PendingBucket b : p.buckets()) {
            out.putLong(b.startMillis());
            BucketTotals t = b.totals();
            for (long v : new long[] {t.arrivals(), t.inputTokenCount(), t.inputTokenSum(), t.outputTokenCount(), t.outputTokenSum()}) {
                out.putLong(v);
            }
        }
        DemandPending read = InternalSerdes.demandPending().deserializer().deserialize("t",
                java.util.Arrays.copyOf(out.array(), out.position()));
        assertThat(read.buckets()).extracting(b -> b.totals().completions()).containsExactly(1L, 2L);
        assertThat(read.buckets()).allSatisfy(b -> assertThat(b.totals().allCompleted()).isTrue());
        assertThat(read.buckets().get(1).totals().outputTokenSum()).isEqualTo(13);
        assertThat(roundTrip(InternalSerdes.demandPending(), p).buckets().get(1).totals().completions()).isEqualTo(3);
    }

    /** The state as version 1 of the serde wrote it (before the burstiness span). */
    private static byte[] versionOne(DemandState s) {
        ByteBuffer out = ByteBuffer.allocate(8192);
        out.put((byte) 1);
        out.putLong(s.evaluatedUntilMillis());
        out.putLong(s.regimeStartMillis());
        out.putInt(s.buckets().size());
        for (ClosedBucket b : s.buckets()) {
            out.putLong(b.startMillis());
            BucketTotals t = b.totals();
            for (long v : new long[] {t.arrivals(), t.inputTokenCount(), t.inputTokenSum(), t.outputTokenCount(), t.outputTokenSum()}) {
                out.putLong(v);
            }
            out.putLong(b.clippedArrivals());
        }
        for (DemandState.Cusum c : java.util.List.of(s.up(), s.down())) {
            out.putDouble(c.value());
            out.putLong(c.startMillis());
        }
        out.putLong(s.changePoints());
        out.putLong(s.lastEmitted().atMillis());
        out.putDouble(s.lastEmitted().ratePerSecond());
        out.putDouble(s.lastEmitted().meanInputTokens());
        out.putDouble(s.lastEmitted().meanOutputTokens());
        return java.util.Arrays.copyOf(out.array(), out.position());
    }

    @Test
    void shouldRoundTripServerValuesIncludingUnknowns() {
        HopTimingTracker tracker = new HopTimingTracker(RobustMeanEstimator.defaults(), new TokenRegression(50, 3),
                EmissionRule.defaults(), 10);
        ServerTiming t = tracker.add(tracker.add(ServerTiming.EMPTY, 4, 0.4, 0.02, 100, 7, 1), 4, 0.5, 0.03, 200, 9, 2);
        assertThat(roundTrip(InternalSerdes.serverTiming(), t)).isEqualTo(t);
        assertThat(roundTrip(InternalSerdes.serverTiming(), ServerTiming.EMPTY)).isEqualTo(ServerTiming.EMPTY);
        ServerEstimator e = new ServerEstimator(0, 1000, 1, EmissionRule.defaults(), TimingPrior.defaults());
        ServerState s = e.onTelemetry(ServerState.EMPTY, new TelemetryReport("m\u00e9", 5, 100, Double.NaN, 0.1, ServerLiveness.DRAINING),
                LivenessClock.caughtUp(5));
        s = e.emitted(s, e.onTiming(s, TimingSummary.withoutFits(0.1, 3, 0.2, 3, 6)).lastEmitted());
        assertThat(roundTrip(InternalSerdes.serverState(), s)).isEqualTo(s);
        assertThat(roundTrip(InternalSerdes.serverState(), ServerState.EMPTY)).isEqualTo(ServerState.EMPTY);
    }

    @Test
    void shouldRoundTripPerTokenFitsAndCoefficients() {
        HopTimingTracker tracker = new HopTimingTracker(RobustMeanEstimator.defaults(), new TokenRegression(50, 3),
                EmissionRule.defaults(), 10);
        ServerTiming t = ServerTiming.EMPTY;
        for (int i = 0; i < 30; i++) {
            t = tracker.add(t, 4, 0.4 + 0.01 * (i % 3), 0.02 + 0.001 * (i % 5), 100 + 10 * i, 1 + i, i);
        }
        assertThat(t.computeFit().samples()).isEqualTo(30);
        assertThat(roundTrip(InternalSerdes.serverTiming(), t)).isEqualTo(t);
        ServerEstimator e = new ServerEstimator(0, 1000, 10, EmissionRule.defaults(), TimingPrior.defaults());
        ServerState s = e.onTelemetry(ServerState.EMPTY, new TelemetryReport("m", 5, 100, 0.02, 0.1, ServerLiveness.UP),
                LivenessClock.caughtUp(5));
        s = e.onTiming(s, t.summary());
        ServerEstimateValue published = e.estimate(s, new TokenMix(2000, 20)).orElseThrow();
        assertThat(published.tokenTimings().present()).isTrue();
        s = e.emitted(s, published);
        assertThat(roundTrip(InternalSerdes.serverState(), s)).isEqualTo(s);
        ServerInput timing = new ServerInput.Timing(t.summary());
        assertThat(roundTrip(InternalSerdes.serverInput(), timing)).isEqualTo(timing);
    }

    @Test
    void shouldReadVersionOneServerValuesWithoutFits() {
        ByteBuffer timing = ByteBuffer.allocate(256).put((byte) 1);
        putMean(timing, 12, 0.1, 0.01);
        putMean(timing, 12, 0.02, 0.002);
        timing.putLong(77);
        putSummary(timing);
        ServerTiming t = InternalSerdes.serverTiming().deserializer().deserialize("t", bytes(timing));
        assertThat(t.compute().mean()).isEqualTo(0.1);
        assertThat(t.latestMillis()).isEqualTo(77);
        assertThat(t.computeFit()).isEqualTo(TokenFit.empty(3));
        assertThat(t.lastEmitted()).isEqualTo(TimingSummary.withoutFits(0.02, 12, 0.1, 12, 70));

        ByteBuffer input = ByteBuffer.allocate(256).put((byte) 1).put((byte) 2);
        putSummary(input);
        assertThat(InternalSerdes.serverInput().deserializer().deserialize("t", bytes(input)))
                .isEqualTo(new ServerInput.Timing(TimingSummary.withoutFits(0.02, 12, 0.1, 12, 70)));

        ByteBuffer state = ByteBuffer.allocate(512).put((byte) 1);
        putString(state, "m");
        state.putLong(5).putLong(70).putLong(100);
        state.putLong(-1).putLong(-1).putLong(-1).putLong(-1);
        state.putDouble(0.02).putDouble(0.1);
        putSummary(state);
        state.put((byte) 0).put((byte) 0);
        putString(state, "m");
        state.putLong(70).putLong(100).putDouble(0.02).putDouble(0.1).putLong(12).putLong(12).put((byte) 0).putLong(5);
        ServerState s = InternalSerdes.serverState().deserializer().deserialize("t", bytes(state));
        assertThat(s.measured()).isEqualTo(TimingSummary.withoutFits(0.02, 12, 0.1, 12, 70));
        assertThat(s.lastEmitted().tokenTimings()).isEqualTo(TokenTimingEstimate.NONE);
        assertThat(s.lastEmitted().computeSamples()).isEqualTo(12);
    }

    private static void putMean(ByteBuffer out, long samples, double mean, double scale) {
        out.putLong(samples).putDouble(mean).putDouble(scale).putInt(0);
    }

    /** A version 1 timing summary: comm 0.02 and compute 0.1 on 12 samples, at 70. */
    private static void putSummary(ByteBuffer out) {
        out.putDouble(0.02).putLong(12).putDouble(0.1).putLong(12).putLong(70);
    }

    private static void putString(ByteBuffer out, String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.putInt(b.length).put(b);
    }

    private static byte[] bytes(ByteBuffer b) {
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    @Test
    void shouldRoundTripEveryServerInputKind() {
        Serde<ServerInput> serde = InternalSerdes.serverInput();
        ServerInput[] inputs = {
            new ServerInput.Telemetry(new TelemetryReport("", 1, 2, 0.3, Double.NaN, ServerLiveness.UP)),
            new ServerInput.Gpu(new GpuMemorySample(GpuMemorySample.Kind.FREE, 42, 7)),
            new ServerInput.Timing(TimingSummary.withoutFits(Double.NaN, 0, 0.2, 4, 9))};
        for (ServerInput in : inputs) {
            assertThat(roundTrip(serde, in)).isEqualTo(in);
        }
    }

    @Test
    void shouldRejectAnUnknownFormatVersion() {
        assertThatThrownBy(() -> InternalSerdes.serverInput().deserializer().deserialize("t", new byte[] {9, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("unknown format version 9");
    }
}
