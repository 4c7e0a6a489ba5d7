package io.chainplan.cli;

import io.chainplan.bench.OptimizerBenchmark;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.commons.statistics.descriptive.Quantile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chainplan bench optimizer}: end-to-end re-plan latency on an in-process broker
 * ({@link OptimizerBenchmark}). A fleet of
 * J servers (BLOOM-176B, a quarter 40 GB / tau_p 0.109 s, the rest 20 GB / 0.175 s, DESIGN.md
 * §1.3) and the debounce at 0; each round sends one demand estimate whose rate leaves the band
 * (alternating between two rates 60% apart, tight intervals) and measures the time from just before
 * the send until the plan is readable by a {@code read_committed} consumer of the plans topic.
 * Prints the distribution; the goal is a median under 1 s for J = 100.
 */
@Command(name = "optimizer", mixinStandardHelpOptions = true,
        description = "Latency from a demand estimate that crosses the band to the committed plan (in-process broker).")
final class BenchOptimizerCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--servers", defaultValue = "100", description = "J, servers in the fleet (default 100).")
    private int servers;

    @Option(names = "--rounds", defaultValue = "40", description = "Measured rounds (default 40).")
    private int rounds;

    @Option(names = "--warmup", defaultValue = "5", description = "Unmeasured rounds first (default 5).")
    private int warmup;

    @Option(names = "--rate", defaultValue = "1.0", description = "Low arrival rate, req/s; the high one is 1.6x (default 1.0).")
    private double rate;

    @CommandLine.Mixin

    private VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        if (servers < 1 || rounds < 1 || warmup < 0 || !(rate > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--servers and --rounds must be >= 1, --warmup >= 0, --rate > 0");
        }
        OptimizerBenchmark.Result r = OptimizerBenchmark.run(servers, rounds, warmup, rate);
        report(spec.commandLine().getOut(), r.roundMillis(), r.solveMillis());
        return 0;
    }

    static void report(PrintWriter out, List<Double> millis, List<Double> solveMillis) {
        List<Double> s = millis.stream().sorted(Comparator.naturalOrder()).toList();
        List<Double> solve = solveMillis.stream().sorted(Comparator.naturalOrder()).toList();
        out.printf(Locale.ROOT, "%-34s %6s %8s %8s %8s %8s %8s %8s%n", "measure (ms)", "n", "min", "p50", "p90", "p99",
                "max", "mean");
        row(out, "demand estimate -> committed plan", s);
        row(out, "  of which solve (both options)", solve);
        out.printf(Locale.ROOT, "goal: median < 1000 ms: %s%n", pct(s, 0.5) < 1000 ? "met" : "NOT met");
    }

    private static void row(PrintWriter out, String name, List<Double> s) {
        double mean = s.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        out.printf(Locale.ROOT, "%-34s %6d %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f%n", name, s.size(), s.get(0), pct(s, 0.5),
                pct(s, 0.9), pct(s, 0.99), s.get(s.size() - 1), mean);
    }

    /** Nearest-rank percentile (Hyndman and Fan's definition 1), as {@code chainplan local} reports them. */
    private static double pct(List<Double> sorted, double q) {
        return Quantile.withDefaults().with(Quantile.EstimationMethod.HF1)
                .evaluate(sorted.stream().mapToDouble(Double::doubleValue).toArray(), q);
    }
}
