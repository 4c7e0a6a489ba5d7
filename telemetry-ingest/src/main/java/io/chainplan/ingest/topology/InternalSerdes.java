package io.chainplan.ingest.topology;

import io.chainplan.ingest.estimate.BucketTotals;
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
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;

/**
 * Serdes of the topology's internal values: state-store values and the {@code server-inputs}
 * repartition topic ({@link BinarySerde} formats, version 1).
 */
public final class InternalSerdes {
    private InternalSerdes() {
    }

    /** @return serde of {@link DemandPending} */
    public static Serde<DemandPending> demandPending() {
        return new BinarySerde<>("DemandPending", 1, (out, p) -> {
            out.writeLong(p.evaluatedUntilMillis());
            out.writeLong(p.maxEventMillis());
            out.writeInt(p.buckets().size());
            for (DemandPending.PendingBucket b : p.buckets()) {
                out.writeLong(b.startMillis());
                writeTotals(out, b.totals());
            }
        }, in -> {
            long until = in.readLong();
            long max = in.readLong();
            int n = in.readInt();
            List<DemandPending.PendingBucket> buckets = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                buckets.add(new DemandPending.PendingBucket(in.readLong(), readTotals(in)));
            }
            return new DemandPending(until, max, buckets);
        });
    }

    /** @return serde of {@link DemandState} */
    public static Serde<DemandState> demandState() {
        return new BinarySerde<>("DemandState", 1, InternalSerdes::writeDemandState, InternalSerdes::readDemandState);
    }

    private static void writeDemandState(DataOutputStream out, DemandState s) throws IOException {
        out.writeLong(s.evaluatedUntilMillis());
        out.writeLong(s.regimeStartMillis());
        out.writeInt(s.buckets().size());
        for (ClosedBucket b : s.buckets()) {
            out.writeLong(b.startMillis());
            writeTotals(out, b.totals());
            out.writeLong(b.clippedArrivals());
        }
        for (DemandState.Cusum c : List.of(s.up(), s.down())) {
            out.writeDouble(c.value());
            out.writeLong(c.startMillis());
        }
        out.writeLong(s.changePoints());
        EmittedDemand e = s.lastEmitted();
        out.writeLong(e.atMillis());
        out.writeDouble(e.ratePerSecond());
        out.writeDouble(e.meanInputTokens());
        out.writeDouble(e.meanOutputTokens());
    }

    private static DemandState readDemandState(DataInputStream in) throws IOException {
        long until = in.readLong();
        long regime = in.readLong();
        int n = in.readInt();
        List<ClosedBucket> buckets = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            buckets.add(new ClosedBucket(in.readLong(), readTotals(in), in.readLong()));
        }
        DemandState.Cusum up = new DemandState.Cusum(in.readDouble(), in.readLong());
        DemandState.Cusum down = new DemandState.Cusum(in.readDouble(), in.readLong());
        long changes = in.readLong();
        EmittedDemand e = new EmittedDemand(in.readLong(), in.readDouble(), in.readDouble(), in.readDouble());
        return new DemandState(until, regime, buckets, up, down, changes, e);
    }

    /** @return serde of {@link ServerTiming} */
    public static Serde<ServerTiming> serverTiming() {
        return new BinarySerde<>("ServerTiming", 1, (out, t) -> {
            writeMean(out, t.compute());
            writeMean(out, t.comm());
            out.writeLong(t.latestMillis());
            writeSummary(out, t.lastEmitted());
        }, in -> new ServerTiming(readMean(in), readMean(in), in.readLong(), readSummary(in)));
    }

    /** @return serde of {@link ServerState} */
    public static Serde<ServerState> serverState() {
        return new BinarySerde<>("ServerState", 1, InternalSerdes::writeServerState, InternalSerdes::readServerState);
    }

    private static void writeServerState(DataOutputStream out, ServerState s) throws IOException {
        out.writeUTF(s.modelId());
        out.writeLong(s.lastSeenMillis());
        out.writeLong(s.latestInputMillis());
        out.writeLong(s.telemetryTotalBytes());
        ServerState.GpuMemory g = s.gpu();
        out.writeLong(g.totalBytes());
        out.writeLong(g.usedBytes());
        out.writeLong(g.freeBytes());
        out.writeLong(g.reservedBytes());
        out.writeDouble(s.declaredCommSeconds());
        out.writeDouble(s.declaredComputeSeconds());
        writeSummary(out, s.measured());
        out.writeByte(s.reported().ordinal());
        out.writeByte(s.status().ordinal());
        writeEstimate(out, s.lastEmitted());
    }

    private static ServerState readServerState(DataInputStream in) throws IOException {
        String model = in.readUTF();
        long seen = in.readLong();
        long latest = in.readLong();
        long total = in.readLong();
        ServerState.GpuMemory g = new ServerState.GpuMemory(in.readLong(), in.readLong(), in.readLong(), in.readLong());
        double comm = in.readDouble();
        double compute = in.readDouble();
        TimingSummary measured = readSummary(in);
        ServerLiveness reported = liveness(in.readByte());
        ServerLiveness status = liveness(in.readByte());
        return new ServerState(model, seen, latest, total, g, comm, compute, measured, reported, status, readEstimate(in));
    }

    /** @return serde of {@link ServerInput} */
    public static Serde<ServerInput> serverInput() {
        return new BinarySerde<>("ServerInput", 1, InternalSerdes::writeInput, InternalSerdes::readInput);
    }

    private static void writeInput(DataOutputStream out, ServerInput input) throws IOException {
        if (input instanceof ServerInput.Telemetry t) {
            TelemetryReport r = t.report();
            out.writeByte(0);
            out.writeUTF(r.modelId());
            out.writeLong(r.atMillis());
            out.writeLong(r.totalMemoryBytes());
            out.writeDouble(r.declaredCommSeconds());
            out.writeDouble(r.declaredComputeSeconds());
            out.writeByte(r.reported().ordinal());
        } else if (input instanceof ServerInput.Gpu g) {
            out.writeByte(1);
            out.writeByte(g.sample().kind().ordinal());
            out.writeLong(g.sample().bytes());
            out.writeLong(g.sample().atMillis());
        } else if (input instanceof ServerInput.Timing t) {
            out.writeByte(2);
            writeSummary(out, t.summary());
        }
    }

    private static ServerInput readInput(DataInputStream in) throws IOException {
        int type = in.readByte();
        return switch (type) {
            case 0 -> new ServerInput.Telemetry(new TelemetryReport(in.readUTF(), in.readLong(), in.readLong(),
                    in.readDouble(), in.readDouble(), liveness(in.readByte())));
            case 1 -> new ServerInput.Gpu(new GpuMemorySample(GpuMemorySample.Kind.values()[in.readByte()],
                    in.readLong(), in.readLong()));
            case 2 -> new ServerInput.Timing(readSummary(in));
            default -> throw new IOException("unknown server input type " + type);
        };
    }

    private static void writeTotals(DataOutputStream out, BucketTotals t) throws IOException {
        out.writeLong(t.arrivals());
        out.writeLong(t.inputTokenCount());
        out.writeLong(t.inputTokenSum());
        out.writeLong(t.outputTokenCount());
        out.writeLong(t.outputTokenSum());
    }

    private static BucketTotals readTotals(DataInputStream in) throws IOException {
        return new BucketTotals(in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong());
    }

    private static void writeMean(DataOutputStream out, RobustMean m) throws IOException {
        out.writeLong(m.samples());
        out.writeDouble(m.mean());
        out.writeDouble(m.scale());
        out.writeInt(m.warmup().size());
        for (double x : m.warmup()) {
            out.writeDouble(x);
        }
    }

    private static RobustMean readMean(DataInputStream in) throws IOException {
        long samples = in.readLong();
        double mean = in.readDouble();
        double scale = in.readDouble();
        int n = in.readInt();
        List<Double> w = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            w.add(in.readDouble());
        }
        return new RobustMean(samples, mean, scale, w);
    }

    private static void writeSummary(DataOutputStream out, TimingSummary s) throws IOException {
        out.writeDouble(s.commSeconds());
        out.writeLong(s.commSamples());
        out.writeDouble(s.computeSeconds());
        out.writeLong(s.computeSamples());
        out.writeLong(s.atMillis());
    }

    private static TimingSummary readSummary(DataInputStream in) throws IOException {
        return new TimingSummary(in.readDouble(), in.readLong(), in.readDouble(), in.readLong(), in.readLong());
    }

    private static void writeEstimate(DataOutputStream out, ServerEstimateValue e) throws IOException {
        out.writeUTF(e.modelId());
        out.writeLong(e.atMillis());
        out.writeLong(e.memoryBytes());
        out.writeDouble(e.commSeconds());
        out.writeDouble(e.computeSeconds());
        out.writeLong(e.commSamples());
        out.writeLong(e.computeSamples());
        out.writeByte(e.status().ordinal());
        out.writeLong(e.lastSeenMillis());
    }

    private static ServerEstimateValue readEstimate(DataInputStream in) throws IOException {
        return new ServerEstimateValue(in.readUTF(), in.readLong(), in.readLong(), in.readDouble(), in.readDouble(),
                in.readLong(), in.readLong(), liveness(in.readByte()), in.readLong());
    }

    private static ServerLiveness liveness(byte ordinal) throws IOException {
        ServerLiveness[] all = ServerLiveness.values();
        if (ordinal < 0 || ordinal >= all.length) {
            throw new IOException("unknown server status ordinal " + ordinal);
        }
        return all[ordinal];
    }
}
