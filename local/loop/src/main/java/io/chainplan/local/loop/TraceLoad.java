package io.chainplan.local.loop;

import io.chainplan.optimizer.sim.RequestTrace;
import io.chainplan.optimizer.trace.AzureTraceReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Replays an Azure LLM inference trace, read by the one {@link AzureTraceReader} (both the 2023
 * format {@code 2023-11-16 18:17:03.9799600} and the 2024 format {@code 2024-05-10 00:00:00.009930+00:00},
 * see {@code ../shared/data/README.md}): arrival times are seconds since the first row. From
 * {@code shiftAtSeconds} on, the trace is replayed {@code shiftFactor} times as fast (so the
 * {@code shift} scenario doubles its rate), and its generated lengths are multiplied by {@code outputFactor}
 * (the {@code mix} scenario's ten-fold). A request's token counts are at least 1.
 */
public final class TraceLoad implements LoadSource {
    private static final double RATE_WINDOW_SECONDS = 60;

    private final List<Arrival> arrivals;
    private final double[] times;
    private final String description;
    private int next;

    private TraceLoad(List<Arrival> arrivals, String description) {
        this.arrivals = List.copyOf(arrivals);
        this.times = arrivals.stream().mapToDouble(Arrival::timeSeconds).toArray();
        this.description = description;
    }

    /**
     * Reads the trace.
     *
     * @param path           the CSV file
     * @param shiftAtSeconds time from which the replay is sped up, or +infinity
     * @param shiftFactor    speed-up of the replay from then on, {@code > 0}
     * @param endSeconds     arrivals at or after this (transformed) time are dropped
     * @return the source
     * @throws java.io.UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException     naming the file, line and field of a malformed row
     */
    public static TraceLoad read(Path path, double shiftAtSeconds, double shiftFactor, double endSeconds) {
        return read(path, 0, shiftAtSeconds, shiftFactor, endSeconds);
    }

    /**
     * Reads the trace, its first row arriving at {@code startSeconds}.
     *
     * @param path           the CSV file
     * @param startSeconds   virtual time of the first row
     * @param shiftAtSeconds time from which the replay is sped up, or +infinity
     * @param shiftFactor    speed-up of the replay from then on, {@code > 0}
     * @param endSeconds     arrivals at or after this (transformed) time are dropped
     * @return the source
     * @throws java.io.UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException     naming the file, line and field of a malformed row
     */
    public static TraceLoad read(Path path, double startSeconds, double shiftAtSeconds, double shiftFactor,
            double endSeconds) {
        return read(path, startSeconds, shiftAtSeconds, shiftFactor, 1, endSeconds);
    }

    /**
     * Reads the trace, its first row arriving at {@code startSeconds}, with the load changing at {@code shiftAtSeconds}.
     *
     * @param path           the CSV file
     * @param startSeconds   virtual time of the first row
     * @param shiftAtSeconds time from which the load changes, or +infinity
     * @param shiftFactor    speed-up of the replay from then on, {@code > 0}
     * @param outputFactor   factor on the generated tokens of requests arriving from then on, {@code > 0}
     * @param endSeconds     arrivals at or after this (transformed) time are dropped
     * @return the source
     * @throws java.io.UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException     naming the file, line and field of a malformed row
     */
    public static TraceLoad read(Path path, double startSeconds, double shiftAtSeconds, double shiftFactor,
            double outputFactor, double endSeconds) {
        if (!(outputFactor > 0) || Double.isInfinite(outputFactor)) {
            throw new IllegalArgumentException("outputFactor must be finite and > 0, was " + outputFactor);
        }
        RequestTrace trace = AzureTraceReader.read(path);
        List<Arrival> out = new ArrayList<>();
        for (int i = 0; i < trace.size(); i++) {
            double t = transform(startSeconds + trace.arrivalSeconds(i), shiftAtSeconds, shiftFactor);
            if (t >= endSeconds) {
                break;
            }
            double factor = t >= shiftAtSeconds ? outputFactor : 1;
            out.add(new Arrival(Math.max(0, t), Math.max(1, trace.inputTokens(i)),
                    (int) Math.max(1, Math.round(trace.outputTokens(i) * factor))));
        }
        String change = "";
        if (Double.isFinite(shiftAtSeconds) && shiftFactor != 1) {
            change += String.format(Locale.ROOT, ", replayed x%.1f faster from t=%.0f s", shiftFactor, shiftAtSeconds);
        }
        if (Double.isFinite(shiftAtSeconds) && outputFactor != 1) {
            change += String.format(Locale.ROOT, ", generated tokens x%.0f from t=%.0f s", outputFactor, shiftAtSeconds);
        }
        String desc = "Azure trace " + path.getFileName() + " (" + out.size() + " requests" + change + ")";
        return new TraceLoad(out, desc);
    }

    static double transform(double t, double shiftAt, double factor) {
        return t <= shiftAt ? t : shiftAt + (t - shiftAt) / factor;
    }

    @Override
    public Optional<Arrival> next() {
        return next < arrivals.size() ? Optional.of(arrivals.get(next++)) : Optional.empty();
    }

    @Override
    public double trueRatePerSecond(double timeSeconds) {
        int hi = upper(timeSeconds);
        int lo = upper(timeSeconds - RATE_WINDOW_SECONDS);
        double span = Math.min(RATE_WINDOW_SECONDS, Math.max(timeSeconds, 1e-9));
        return (hi - lo) / span;
    }

    private int upper(double t) {
        int i = Arrays.binarySearch(times, t);
        if (i < 0) {
            return -i - 1;
        }
        while (i < times.length && times[i] <= t) {
            i++;
        }
        return i;
    }

    /**
     * @return the number of arrivals the replay holds
     */
    public int size() {
        return arrivals.size();
    }

    @Override
    public String describe() {
        return description;
    }
}
