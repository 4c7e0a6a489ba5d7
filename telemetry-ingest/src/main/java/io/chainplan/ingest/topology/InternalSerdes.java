package io.chainplan.ingest.topology;

import io.chainplan.ingest.estimate.ArrivalCounts;
import io.chainplan.ingest.estimate.BucketTotals;
import io.chainplan.ingest.estimate.BurstinessState;
import io.chainplan.ingest.estimate.ClosedBucket;
import io.chainplan.ingest.estimate.DemandPending;
import io.chainplan.ingest.estimate.DemandState;
import io.chainplan.ingest.estimate.EmittedDemand;
import io.chainplan.ingest.estimate.GpuMemorySample;
import io.chainplan.ingest.estimate.RobustMean;
import io.chainplan.ingest.estimate.ServerEstimateValue;
import io.chainplan.ingest.estimate.ServerLiveness;
import io.chainplan.ingest.estimate.ServerState;
import io.chainplan.ingest.estimate.ServerTiming;
import io.chainplan.ingest.estimate.TelemetryReport;
import io.chainplan.ingest.estimate.TimingSummary;
import io.chainplan.ingest.estimate.TokenFit;
import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.ingest.estimate.TokenTimingEstimate;
import io.chainplan.optimizer.model.TokenTimings;
import io.chainplan.schemas.validate.ModelBounds;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;

/**
 * Serdes of the topology's internal values: state-store values and the {@code server-inputs}
 * repartition topic ({@link BinarySerde} formats; each reads its older versions, so that state
 * and repartitioned records written before an upgrade stay readable).
 */
public final class InternalSerdes {
    private InternalSerdes() {
    }

    /**
     * Serde of {@link DemandPending}. Version 2 adds each bucket's completions and the late completions (the
     * token means count requests by arrival); a version 1 bucket (its generated tokens counted by completion
     * time) reads as complete, so its counts serve as they did until it leaves the token history.
     *
     * @return the serde
     */
    public static Serde<DemandPending> demandPending() {
        return new BinarySerde<>("DemandPending", 1, 2, (out, p) -> {
            out.putLong(p.evaluatedUntilMillis());
            out.putLong(p.maxEventMillis());
            writePendingBuckets(out, p.buckets());
            writePendingBuckets(out, p.lateCompletions());
        }, (version, in) -> {
            long until = in.getLong();
            long max = in.getLong();
            List<DemandPending.PendingBucket> buckets = readPendingBuckets(version >= 2, in);
            return new DemandPending(until, max, buckets, version >= 2 ? readPendingBuckets(true, in) : List.of());
        });
    }

    /** Buckets and their totals, then their completions (version 1 had none). */
    private static void writePendingBuckets(ByteBuffer out, List<DemandPending.PendingBucket> buckets) {
        out.putInt(buckets.size());
        for (DemandPending.PendingBucket b : buckets) {
            out.putLong(b.startMillis());
            writeTotals(out, b.totals());
        }
        for (DemandPending.PendingBucket b : buckets) {
            out.putLong(b.totals().completions());
        }
    }

    private static List<DemandPending.PendingBucket> readPendingBuckets(boolean withCompletions, ByteBuffer in) {
        int n = in.getInt();
        if (n < 0 || n > in.remaining() / (6 * Long.BYTES)) {
            throw new IllegalArgumentException("bad pending bucket count " + n);
        }
        List<Long> starts = new ArrayList<>(n);
        List<BucketTotals> totals = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            starts.add(in.getLong());
            totals.add(readTotals(in));
        }
        totals = withCompletions(withCompletions, totals, in);
        List<DemandPending.PendingBucket> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new DemandPending.PendingBucket(starts.get(i), totals.get(i)));
        }
        return out;
    }

    /**
     * Serde of {@link DemandState}. Version 2 adds the burstiness span; version 1 state (a changelog written
     * before the upgrade) is read with the span rebuilt from its closed buckets (the horizon's arrivals), so
     * burstiness is measured again at once. Version 3 adds the whole burstiness history. Version 4 adds each
     * bucket's completions (the token means count requests by arrival); older buckets (their generated tokens
     * counted by completion time) read as complete, so their counts serve as they did until they leave the token
     * history.
     *
     * @return the serde
     */
    public static Serde<DemandState> demandState() {
        return new BinarySerde<>("DemandState", 1, 4, InternalSerdes::writeDemandState, InternalSerdes::readDemandState);
    }

    private static void writeDemandState(ByteBuffer out, DemandState s) {
        out.putLong(s.evaluatedUntilMillis());
        out.putLong(s.regimeStartMillis());
        out.putInt(s.buckets().size());
        for (ClosedBucket b : s.buckets()) {
            out.putLong(b.startMillis());
            writeTotals(out, b.totals());
            out.putLong(b.clippedArrivals());
        }
        BurstinessState b = s.burstiness();
        out.putInt(b.counts().size());
        for (int i = 0; i < b.counts().size(); i++) {
            out.putLong(b.counts().get(i));
            out.putLong(b.clipped().get(i));
        }
        for (DemandState.Cusum c : List.of(b.up(), b.down(), s.up(), s.down())) {
            out.putDouble(c.value());
            out.putLong(c.startMillis());
        }
        out.putLong(s.changePoints());
        EmittedDemand e = s.lastEmitted();
        out.putLong(e.atMillis());
        out.putDouble(e.ratePerSecond());
        out.putDouble(e.meanInputTokens());
        out.putDouble(e.meanOutputTokens());
        out.putInt(b.history().size());
        for (int i = 0; i < b.history().size(); i++) {
            out.putLong(b.history().get(i));
            out.put((byte) b.restarts().get(i));
        }
        for (ClosedBucket c : s.buckets()) {
            out.putLong(c.totals().completions());
        }
    }

    private static DemandState readDemandState(int version, ByteBuffer in) {
        long until = in.getLong();
        long regime = in.getLong();
        int n = in.getInt();
        List<ClosedBucket> buckets = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            buckets.add(new ClosedBucket(in.getLong(), readTotals(in), in.getLong()));
        }
        BurstinessState bursts = version >= 2 ? readBurstiness(in) : burstinessOf(countsOf(buckets, until, regime));
        DemandState.Cusum up = readCusum(in);
        DemandState.Cusum down = readCusum(in);
        long changes = in.getLong();
        EmittedDemand e = new EmittedDemand(in.getLong(), in.getDouble(), in.getDouble(), in.getDouble());
        if (version >= 3) {
            bursts = withHistory(bursts, in);
        }
        List<BucketTotals> totals = withCompletions(version >= 4, buckets.stream().map(ClosedBucket::totals).toList(), in);
        List<ClosedBucket> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ClosedBucket b = buckets.get(i);
            out.add(new ClosedBucket(b.startMillis(), totals.get(i), b.clippedArrivals()));
        }
        return new DemandState(until, regime, out, bursts, up, down, changes, e);
    }

    /**
     * @param present whether the completions follow (else the buckets are of a version before them, and read as
     *                complete: as many completions as arrivals and token counts)
     * @param totals  the buckets' totals, read without completions
     * @param in      the input, at the completions if present
     * @return the totals with their completions
     */
    private static List<BucketTotals> withCompletions(boolean present, List<BucketTotals> totals, ByteBuffer in) {
        if (present && totals.size() > in.remaining() / Long.BYTES) {
            throw new IllegalArgumentException("bad completion count length " + totals.size());
        }
        List<BucketTotals> out = new ArrayList<>(totals.size());
        for (BucketTotals t : totals) {
            long completions = present ? in.getLong() : Math.max(t.arrivals(), t.outputTokenCount());
            out.add(new BucketTotals(t.arrivals(), t.inputTokenCount(), t.inputTokenSum(), completions,
                    t.outputTokenCount(), t.outputTokenSum()));
        }
        return out;
    }

    private static BurstinessState readBurstiness(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0 || n > in.remaining() / (2 * Long.BYTES)) {
            throw new IllegalArgumentException("bad burstiness span length " + n);
        }
        long[] counts = new long[n];
        long[] clipped = new long[n];
        for (int i = 0; i < n; i++) {
            counts[i] = in.getLong();
            clipped[i] = in.getLong();
        }
        return new BurstinessState(ArrivalCounts.of(counts), ArrivalCounts.of(clipped), readCusum(in), readCusum(in));
    }

    /** Version 3 added the whole burstiness history with the span's restarts; before, the span was all of it. */
    private static BurstinessState withHistory(BurstinessState span, ByteBuffer in) {
        int n = in.getInt();
        if (n < 0 || n > in.remaining() / (Long.BYTES + 1)) {
            throw new IllegalArgumentException("bad burstiness history length " + n);
        }
        long[] history = new long[n];
        long[] restarts = new long[n];
        for (int i = 0; i < n; i++) {
            history[i] = in.getLong();
            restarts[i] = in.get();
        }
        return new BurstinessState(span.counts(), span.clipped(), span.up(), span.down(), ArrivalCounts.of(history),
                ArrivalCounts.of(restarts));
    }

    private static BurstinessState burstinessOf(ArrivalCounts counts) {
        return new BurstinessState(counts, counts, DemandState.Cusum.ZERO, DemandState.Cusum.ZERO);
    }

    private static DemandState.Cusum readCusum(ByteBuffer in) {
        return new DemandState.Cusum(in.getDouble(), in.getLong());
    }

    /**
     * Version 1 had no burstiness span: it starts as the arrivals of the regime's closed buckets
     * (within the horizon), which cover the steps up to the boundary one per step; empty if they
     * do not, which only delays the measurement by a span.
     */
    private static ArrivalCounts countsOf(List<ClosedBucket> buckets, long until, long regimeStart) {
        List<ClosedBucket> regime = buckets.stream().filter(b -> b.startMillis() >= regimeStart).toList();
        int n = regime.size();
        if (n == 0 || (until - regime.get(0).startMillis()) % n != 0) {
            return ArrivalCounts.EMPTY;
        }
        long step = (until - regime.get(0).startMillis()) / n;
        long[] counts = new long[n];
        for (int i = 0; i < n; i++) {
            if (step <= 0 || regime.get(i).startMillis() != until - (n - i) * step) {
                return ArrivalCounts.EMPTY;
            }
            counts[i] = regime.get(i).totals().arrivals();
        }
        return ArrivalCounts.of(counts);
    }

    /** @return serde of the global model store's {@link ModelInfo} (not logged: rebuilt from the models topic) */
    static Serde<ModelInfo> modelInfo() {
        return new BinarySerde<>("ModelInfo", 2, (out, m) -> {
            out.putInt(m.bounds().blocks());
            out.putInt(m.bounds().contextTokens());
            out.putDouble(m.declaredMix().inputTokens());
            out.putDouble(m.declaredMix().outputTokens());
        }, in -> new ModelInfo(new ModelBounds(in.getInt(), in.getInt()), new TokenMix(in.getDouble(), in.getDouble())));
    }

    /**
     * Serde of {@link ServerTiming}. Version 2 adds the per-token fits; version 1 state is read
     * with empty fits (they fill again from the next hops; the robust means carry on).
     *
     * @return the serde
     */
    public static Serde<ServerTiming> serverTiming() {
        return new BinarySerde<>("ServerTiming", 1, 2, (out, t) -> {
            writeMean(out, t.compute());
            writeMean(out, t.comm());
            writeFit(out, t.computeFit());
            writeFit(out, t.commFit());
            out.putLong(t.latestMillis());
            writeSummary(out, t.lastEmitted());
        }, (v, in) -> {
            RobustMean compute = readMean(in);
            RobustMean comm = readMean(in);
            TokenFit computeFit = v >= 2 ? readFit(in) : TokenFit.empty(3);
            TokenFit commFit = v >= 2 ? readFit(in) : TokenFit.empty(2);
            return new ServerTiming(compute, comm, computeFit, commFit, in.getLong(), readSummary(v, in));
        });
    }

    /**
     * Serde of {@link ServerState}. Version 2 adds the per-token fits to the measured timings and the
     * per-token coefficients to the last published estimate; version 1 state is read without them.
     *
     * @return the serde
     */
    public static Serde<ServerState> serverState() {
        return new BinarySerde<>("ServerState", 1, 2, InternalSerdes::writeServerState, InternalSerdes::readServerState);
    }

    private static void writeServerState(ByteBuffer out, ServerState s) {
        BinarySerde.putString(out, s.modelId());
        out.putLong(s.lastSeenMillis());
        out.putLong(s.latestInputMillis());
        out.putLong(s.telemetryTotalBytes());
        ServerState.GpuMemory g = s.gpu();
        out.putLong(g.totalBytes());
        out.putLong(g.usedBytes());
        out.putLong(g.freeBytes());
        out.putLong(g.reservedBytes());
        out.putDouble(s.declaredCommSeconds());
        out.putDouble(s.declaredComputeSeconds());
        writeSummary(out, s.measured());
        out.put((byte) (s.reported().ordinal()));
        out.put((byte) (s.status().ordinal()));
        writeEstimate(out, s.lastEmitted());
    }

    private static ServerState readServerState(int version, ByteBuffer in) {
        String model = BinarySerde.getString(in);
        long seen = in.getLong();
        long latest = in.getLong();
        long total = in.getLong();
        ServerState.GpuMemory g = new ServerState.GpuMemory(in.getLong(), in.getLong(), in.getLong(), in.getLong());
        double comm = in.getDouble();
        double compute = in.getDouble();
        TimingSummary measured = readSummary(version, in);
        ServerLiveness reported = liveness(in.get());
        ServerLiveness status = liveness(in.get());
        return new ServerState(model, seen, latest, total, g, comm, compute, measured, reported, status,
                readEstimate(version, in));
    }

    /**
     * Serde of {@link ServerInput} (the repartition topic). Version 2 carries the per-token fits in
     * timing updates; version 1 records still in the topic at an upgrade are read without them.
     *
     * @return the serde
     */
    public static Serde<ServerInput> serverInput() {
        return new BinarySerde<>("ServerInput", 1, 2, InternalSerdes::writeInput, InternalSerdes::readInput);
    }

    private static void writeInput(ByteBuffer out, ServerInput input) {
        if (input instanceof ServerInput.Telemetry t) {
            TelemetryReport r = t.report();
            out.put((byte) (0));
            BinarySerde.putString(out, r.modelId());
            out.putLong(r.atMillis());
            out.putLong(r.totalMemoryBytes());
            out.putDouble(r.declaredCommSeconds());
            out.putDouble(r.declaredComputeSeconds());
            out.put((byte) (r.reported().ordinal()));
        } else if (input instanceof ServerInput.Gpu g) {
            out.put((byte) (1));
            out.put((byte) (g.sample().kind().ordinal()));
            out.putLong(g.sample().bytes());
            out.putLong(g.sample().atMillis());
        } else if (input instanceof ServerInput.Timing t) {
            out.put((byte) (2));
            writeSummary(out, t.summary());
        }
    }

    private static ServerInput readInput(int version, ByteBuffer in) {
        int type = in.get();
        return switch (type) {
            case 0 -> new ServerInput.Telemetry(new TelemetryReport(BinarySerde.getString(in), in.getLong(), in.getLong(),
                    in.getDouble(), in.getDouble(), liveness(in.get())));
            case 1 -> new ServerInput.Gpu(new GpuMemorySample(GpuMemorySample.Kind.values()[in.get()],
                    in.getLong(), in.getLong()));
            case 2 -> new ServerInput.Timing(readSummary(version, in));
            default -> throw new IllegalArgumentException("unknown server input type " + type);
        };
    }

    /** The totals without their completions (written apart, after the buckets). */
    private static void writeTotals(ByteBuffer out, BucketTotals t) {
        out.putLong(t.arrivals());
        out.putLong(t.inputTokenCount());
        out.putLong(t.inputTokenSum());
        out.putLong(t.outputTokenCount());
        out.putLong(t.outputTokenSum());
    }

    /** The totals without their completions (written apart, after the buckets: versions before them lack them). */
    private static BucketTotals readTotals(ByteBuffer in) {
        long arrivals = in.getLong();
        long inputCount = in.getLong();
        long inputSum = in.getLong();
        long outputCount = in.getLong();
        long outputSum = in.getLong();
        return new BucketTotals(arrivals, inputCount, inputSum, outputCount, outputCount, outputSum);
    }

    private static void writeMean(ByteBuffer out, RobustMean m) {
        out.putLong(m.samples());
        out.putDouble(m.mean());
        out.putDouble(m.scale());
        out.putInt(m.warmup().size());
        for (double x : m.warmup()) {
            out.putDouble(x);
        }
    }

    private static RobustMean readMean(ByteBuffer in) {
        long samples = in.getLong();
        double mean = in.getDouble();
        double scale = in.getDouble();
        int n = in.getInt();
        List<Double> w = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            w.add(in.getDouble());
        }
        return new RobustMean(samples, mean, scale, w);
    }

    private static void writeSummary(ByteBuffer out, TimingSummary s) {
        out.putDouble(s.commSeconds());
        out.putLong(s.commSamples());
        out.putDouble(s.computeSeconds());
        out.putLong(s.computeSamples());
        out.putLong(s.atMillis());
        writeFit(out, s.computeFit());
        writeFit(out, s.commFit());
    }

    private static TimingSummary readSummary(int version, ByteBuffer in) {
        double comm = in.getDouble();
        long commSamples = in.getLong();
        double compute = in.getDouble();
        long computeSamples = in.getLong();
        long at = in.getLong();
        return version >= 2 ? new TimingSummary(comm, commSamples, compute, computeSamples, at, readFit(in), readFit(in))
                : TimingSummary.withoutFits(comm, commSamples, compute, computeSamples, at);
    }

    private static void writeFit(ByteBuffer out, TokenFit f) {
        out.put((byte) f.dimension());
        out.putLong(f.samples());
        out.putDouble(f.scale());
        for (double v : f.sums()) {
            out.putDouble(v);
        }
        double[] warmup = f.warmup();
        out.putInt(warmup.length);
        for (double v : warmup) {
            out.putDouble(v);
        }
    }

    private static TokenFit readFit(ByteBuffer in) {
        int dimension = in.get();
        long samples = in.getLong();
        double scale = in.getDouble();
        if (dimension < 2 || dimension > 3) {
            throw new IllegalArgumentException("bad token fit dimension " + dimension);
        }
        double[] sums = readDoubles(in, TokenFit.empty(dimension).sums().length);
        double[] warmup = readDoubles(in, in.getInt());
        return TokenFit.of(dimension, sums, samples, scale, warmup);
    }

    private static double[] readDoubles(ByteBuffer in, int n) {
        if (n < 0 || n > in.remaining() / Double.BYTES) {
            throw new IllegalArgumentException("bad length " + n);
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = in.getDouble();
        }
        return out;
    }

    private static void writeEstimate(ByteBuffer out, ServerEstimateValue e) {
        BinarySerde.putString(out, e.modelId());
        out.putLong(e.atMillis());
        out.putLong(e.memoryBytes());
        out.putDouble(e.commSeconds());
        out.putDouble(e.computeSeconds());
        out.putLong(e.commSamples());
        out.putLong(e.computeSamples());
        out.put((byte) (e.status().ordinal()));
        out.putLong(e.lastSeenMillis());
        writeTokenTimings(out, e.tokenTimings());
    }

    private static ServerEstimateValue readEstimate(int version, ByteBuffer in) {
        return new ServerEstimateValue(BinarySerde.getString(in), in.getLong(), in.getLong(), in.getDouble(), in.getDouble(),
                in.getLong(), in.getLong(), liveness(in.get()), in.getLong(),
                version >= 2 ? readTokenTimings(in) : TokenTimingEstimate.NONE);
    }

    private static void writeTokenTimings(ByteBuffer out, TokenTimingEstimate t) {
        out.put((byte) (t.present() ? 1 : 0));
        writeCoefficients(out, t.timings());
        writeCoefficients(out, t.standardErrors());
        out.putLong(t.computeSamples());
        out.putLong(t.commSamples());
        BinarySerde.putString(out, t.computeFallback());
        BinarySerde.putString(out, t.commFallback());
        out.putDouble(t.referenceInputTokens());
        out.putDouble(t.referenceOutputTokens());
    }

    private static TokenTimingEstimate readTokenTimings(ByteBuffer in) {
        return new TokenTimingEstimate(in.get() == 1, readCoefficients(in), readCoefficients(in), in.getLong(), in.getLong(),
                BinarySerde.getString(in), BinarySerde.getString(in), in.getDouble(), in.getDouble());
    }

    private static void writeCoefficients(ByteBuffer out, TokenTimings t) {
        out.putDouble(t.blockOverheadSeconds());
        out.putDouble(t.prefillSecondsPerToken());
        out.putDouble(t.decodeSecondsPerToken());
        out.putDouble(t.commSecondsPerRequest());
        out.putDouble(t.commSecondsPerToken());
    }

    private static TokenTimings readCoefficients(ByteBuffer in) {
        return new TokenTimings(in.getDouble(), in.getDouble(), in.getDouble(), in.getDouble(), in.getDouble());
    }

    private static ServerLiveness liveness(byte ordinal) {
        ServerLiveness[] all = ServerLiveness.values();
        if (ordinal < 0 || ordinal >= all.length) {
            throw new IllegalArgumentException("unknown server status ordinal " + ordinal);
        }
        return all[ordinal];
    }
}
