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
import io.chainplan.ingest.estimate.TimingSummary;
import java.nio.ByteBuffer;
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
                .add(17_000, 5_000, BucketTotals.EMPTY.withCompletion(9));
        assertThat(roundTrip(InternalSerdes.demandPending(), p)).isEqualTo(p);
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
        long[] arrivals = new long[s.buckets().size()];
        java.util.Arrays.fill(arrivals, 2);
        assertThat(read).isEqualTo(new DemandState(s.evaluatedUntilMillis(), s.regimeStartMillis(), s.buckets(),
                new BurstinessState(ArrivalCounts.of(arrivals), ArrivalCounts.of(arrivals), DemandState.Cusum.ZERO,
                        DemandState.Cusum.ZERO), s.up(), s.down(), s.changePoints(), s.lastEmitted()));
        assertThat(est.estimate(read, false).burstiness().dispersions()).as("measured at once after the upgrade").isNotEmpty();
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
        HopTimingTracker tracker = new HopTimingTracker(RobustMeanEstimator.defaults(), EmissionRule.defaults(), 10);
        ServerTiming t = tracker.add(tracker.add(ServerTiming.EMPTY, 4, 0.4, 0.02, 1), 4, 0.5, 0.03, 2);
        assertThat(roundTrip(InternalSerdes.serverTiming(), t)).isEqualTo(t);
        assertThat(roundTrip(InternalSerdes.serverTiming(), ServerTiming.EMPTY)).isEqualTo(ServerTiming.EMPTY);
        ServerEstimator e = new ServerEstimator(0, 1000, 1, EmissionRule.defaults());
        ServerState s = e.onTelemetry(ServerState.EMPTY, new TelemetryReport("m\u00e9", 5, 100, Double.NaN, 0.1, ServerLiveness.DRAINING),
                LivenessClock.caughtUp(5));
        s = e.emitted(s, e.onTiming(s, new TimingSummary(0.1, 3, 0.2, 3, 6)).lastEmitted());
        assertThat(roundTrip(InternalSerdes.serverState(), s)).isEqualTo(s);
        assertThat(roundTrip(InternalSerdes.serverState(), ServerState.EMPTY)).isEqualTo(ServerState.EMPTY);
    }

    @Test
    void shouldRoundTripEveryServerInputKind() {
        Serde<ServerInput> serde = InternalSerdes.serverInput();
        ServerInput[] inputs = {
            new ServerInput.Telemetry(new TelemetryReport("", 1, 2, 0.3, Double.NaN, ServerLiveness.UP)),
            new ServerInput.Gpu(new GpuMemorySample(GpuMemorySample.Kind.FREE, 42, 7)),
            new ServerInput.Timing(new TimingSummary(Double.NaN, 0, 0.2, 4, 9))};
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
