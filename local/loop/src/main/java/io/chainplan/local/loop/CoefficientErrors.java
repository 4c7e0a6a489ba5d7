package io.chainplan.local.loop;

import io.chainplan.optimizer.model.TokenTimings;
import io.chainplan.optimizer.service.AvroMappers;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.TokenTimingEstimate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleBiFunction;

/**
 * How far telemetry-ingest's per-token coefficients ({@code ServerEstimate.tokenTimings}) are from the
 * simulated fleet's true ones (issue 17, goals): at given times, each server's latest estimate against its
 * {@link SimServer#timings()}, per coefficient the median and the largest relative error over the servers,
 * and how many servers' compute and communication parts were fitted (not the declared split, whose reasons
 * are counted). Beside the coefficients, the service times they give at the server's reference mix (the mean
 * tokens of the hops its fit rests on, the model's declared mix for a declared part), {@code tau_p} per block
 * and {@code tau_c} per hop, against the true ones at the same mix: what a plan takes from the estimate. The
 * intercepts {@code t_o} and {@code c_req} are small beside the per-token terms and trade off against them
 * within the noise, so their own errors can be large while the service times are close. Only a simulation
 * knows the truth.
 */
public final class CoefficientErrors {
    /** One column: a quantity of the coefficients, evaluated at the estimate's reference mix where it needs one. */
    private record Column(String name, ToDoubleBiFunction<TokenTimings, TokenTimingEstimate> value) {
    }

    private static final List<Column> COLUMNS = List.of(
            new Column("t_o", (t, at) -> t.blockOverheadSeconds()),
            new Column("t_in", (t, at) -> t.prefillSecondsPerToken()),
            new Column("t_out", (t, at) -> t.decodeSecondsPerToken()),
            new Column("c_req", (t, at) -> t.commSecondsPerRequest()),
            new Column("c_tok", (t, at) -> t.commSecondsPerToken()),
            new Column("tau_p at mix", (t, at) -> t.perBlockSeconds(at.getReferenceInputTokens(), at.getReferenceOutputTokens())),
            new Column("tau_c at mix", (t, at) -> t.commSeconds(at.getReferenceOutputTokens())));

    private CoefficientErrors() {
    }

    /**
     * The table, one row per time.
     *
     * @param fleet         the simulated fleet (true coefficients)
     * @param estimates     the server estimates seen, in order
     * @param startSeconds  virtual time the load started
     * @param afterSeconds  times after the start to report at, e.g. 60, 300, 600
     * @return lines of text, empty if no estimate carried coefficients
     */
    public static List<String> lines(SimFleet fleet, List<RunRecorder.ObservedServer> estimates, double startSeconds,
            double... afterSeconds) {
        List<String> out = new ArrayList<>();
        out.add("Per-token coefficients estimated by telemetry-ingest vs the fleet's true values (relative error,"
                + " median / max over servers):");
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %8s", "after"));
        COLUMNS.forEach(c -> header.append(String.format(Locale.ROOT, " %-15s", c.name())));
        out.add(header.append(" fitted (compute, comm)").toString());
        boolean any = false;
        for (double after : afterSeconds) {
            Map<String, TokenTimingEstimate> latest = latest(estimates, startSeconds + after);
            if (latest.isEmpty()) {
                continue;
            }
            any = true;
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %6.0f s", after));
            for (Column column : COLUMNS) {
                double[] e = errors(fleet, latest, column);
                row.append(String.format(Locale.ROOT, " %6.1f%% /%5.1f%%", 100 * median(e), 100 * max(e)));
            }
            long compute = latest.values().stream().filter(t -> t.getComputeSamples() > 0).count();
            long comm = latest.values().stream().filter(t -> t.getCommSamples() > 0).count();
            row.append(String.format(Locale.ROOT, "  %d, %d of %d", compute, comm, latest.size()));
            row.append(fallbacks(latest));
            out.add(row.toString());
        }
        return any ? out : List.of();
    }

    /** Why the parts not fitted fell back, counted per reason: " (declared: compute too-few-samples 3, ...)". */
    private static String fallbacks(Map<String, TokenTimingEstimate> latest) {
        Map<String, Integer> reasons = new TreeMap<>();
        latest.values().forEach(t -> {
            if (!t.getComputeFallback().isEmpty()) {
                reasons.merge("compute " + t.getComputeFallback(), 1, Integer::sum);
            }
            if (!t.getCommFallback().isEmpty()) {
                reasons.merge("comm " + t.getCommFallback(), 1, Integer::sum);
            }
        });
        if (reasons.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder(" (declared:");
        reasons.forEach((reason, n) -> b.append(' ').append(reason).append(' ').append(n).append(','));
        b.setCharAt(b.length() - 1, ')');
        return b.toString();
    }

    private static Map<String, TokenTimingEstimate> latest(List<RunRecorder.ObservedServer> estimates, double at) {
        Map<String, TokenTimingEstimate> out = new TreeMap<>();
        for (RunRecorder.ObservedServer o : estimates) {
            ServerEstimate e = o.estimate();
            if (o.atSeconds() <= at && e.getTokenTimings() != null) {
                out.put(e.getServerId().toString(), e.getTokenTimings());
            }
        }
        return out;
    }

    private static double[] errors(SimFleet fleet, Map<String, TokenTimingEstimate> latest, Column column) {
        List<Double> e = new ArrayList<>();
        latest.forEach((id, t) -> {
            int j = fleet.indexOf(id);
            if (j >= 0) {
                double truth = column.value().applyAsDouble(fleet.servers().get(j).timings(), t);
                double est = column.value().applyAsDouble(AvroMappers.tokenTimings(t), t);
                e.add(truth == 0 ? Math.abs(est) : Math.abs(est - truth) / truth);
            }
        });
        return e.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    private static double median(double[] sorted) {
        return sorted.length == 0 ? Double.NaN : sorted[(sorted.length - 1) / 2];
    }

    private static double max(double[] sorted) {
        return Arrays.stream(sorted).max().orElse(Double.NaN);
    }
}
