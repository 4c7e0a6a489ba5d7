package io.chainplan.cli;

import io.chainplan.optimizer.experiment.RoutersExperiment;
import io.chainplan.optimizer.sim.RequestTrace;
import io.chainplan.optimizer.trace.AzureTraceReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chainplan experiment routers}: why a central queue (issue 14, DESIGN.md §2.5). N = 1, 2, 4, 8
 * frontends each dispatching on a static 1/N share of every chain's capacity, against the one central
 * queue, on the paper-grid fleets under Poisson arrivals and the Azure code trace rate-scaled to the
 * same rate ({@link RoutersExperiment}). Writes {@code routers.md}, {@code routers.csv},
 * {@code routers-mean.png} and {@code routers-p99.png} (mean and p99 response time as a multiple of the
 * central queue's, averaged over the fleets).
 */
@Command(name = "routers", mixinStandardHelpOptions = true,
        description = "N frontends with static 1/N capacity shares vs one central queue (paper-grid fleets, Poisson and the Azure code trace).")
public final class ExperimentRoutersCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--servers", split = ",", paramLabel = "J", description = "Values of J (default 10,20,30,40; quick: 10,20).")
    private List<Integer> servers;

    @Option(names = "--etas", split = ",", paramLabel = "X", description = "Fractions of 40 GB servers (default 0.1,0.2,0.3,0.4; quick: 0.2).")
    private List<Double> etas;

    @Option(names = "--lambda", paramLabel = "R", defaultValue = "0.2", description = "Arrival rate the plans are solved for, req/s (default ${DEFAULT-VALUE}).")
    private double lambda;

    @Option(names = "--loads", split = ",", paramLabel = "X", description = "Arrival rates as fractions of each plan's nu (default 0.5,0.8; quick: 0.8).")
    private List<Double> loads;

    @Option(names = "--frontends", split = ",", paramLabel = "N", description = "Values of N (default 1,2,4,8); 1 is the central queue.")
    private List<Integer> frontends;

    @Option(names = "--seeds", paramLabel = "N", description = "Replications per fleet shape (default 10; quick: 2).")
    private Integer seeds;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Base seed (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--requests", paramLabel = "N", description = "Requests per run, 10%% warm-up (default 20000; quick: 1000).")
    private Long requests;

    @Option(names = "--trace", paramLabel = "PATH", defaultValue = "../shared/data/azure-llm-2023-code.csv",
            description = "Azure LLM code trace (default ${DEFAULT-VALUE}); Poisson only if absent.")
    private Path trace;

    @Option(names = "--rtt-csv", paramLabel = "PATH", defaultValue = "../shared/data/ripe-atlas-eu-rtt.csv",
            description = "RIPE Atlas RTTs (default ${DEFAULT-VALUE}); uniform 5-60 ms if absent.")
    private Path rttCsv;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "results/routers", description = "Output directory (default ${DEFAULT-VALUE}).")
    private Path out;

    @Option(names = "--quick", description = "Few fleets, seeds and requests (what the test suite runs).")
    private boolean quick;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    private boolean verbose;

    @Override
    public Integer call() throws IOException {
        RoutersExperiment.Settings s = settings();
        List<Double> rtt = CliSupport.rttSamples(rttCsv, spec);
        Optional<RequestTrace> t = Files.isRegularFile(trace) ? Optional.of(AzureTraceReader.read(trace, (int) s.requests()))
                : Optional.empty();
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        o.printf(Locale.ROOT, "# experiment routers: BLOOM-176B paper-style fleets (%s); J %s, eta %s; plans solved at lambda %.3f;"
                + " loads %s of each plan's nu; N %s frontends (static 1/N capacity shares, round-robin arrivals) vs the"
                + " central queue (N=1); %d seeds per fleet shape (base seed %d); %d requests per run (10%% warm-up);"
                + " exponential service; arrivals: Poisson%s%n",
                rtt.isEmpty() ? "RTT uniform 5-60 ms" : rtt.size() + " RTTs from " + rttCsv, s.servers(), s.etas(),
                s.planRate(), s.loads(), s.frontends(), s.seeds(), s.baseSeed(), s.requests(),
                t.map(x -> String.format(Locale.ROOT, " and the first %d requests of %s, rate-scaled", x.size(), trace))
                        .orElse(" only (no trace at " + trace + ")"));
        o.flush();
        RoutersExperiment.Result r = RoutersExperiment.run(s, rtt, t, line -> {
            err.println("  " + line);
            err.flush();
        });
        String md = r.toMarkdown();
        o.print(md);
        Files.createDirectories(out);
        Files.writeString(out.resolve("routers.md"), md, StandardCharsets.UTF_8);
        Files.writeString(out.resolve("routers.csv"), r.toCsv(), StandardCharsets.UTF_8);
        ExperimentPlots.save(ratioChart(r, RoutersExperiment.Row::meanSeconds, "Mean response time"), out.resolve("routers-mean.png"));
        ExperimentPlots.save(ratioChart(r, RoutersExperiment.Row::p99Seconds, "p99 response time"), out.resolve("routers-p99.png"));
        o.println("# wrote " + out.resolve("routers.md") + ", routers.csv, routers-mean.png and routers-p99.png");
        o.flush();
        return 0;
    }

    private RoutersExperiment.Settings settings() {
        try {
            return new RoutersExperiment.Settings(
                    servers != null ? servers : quick ? List.of(10, 20) : List.of(10, 20, 30, 40),
                    etas != null ? etas : quick ? List.of(0.2) : List.of(0.1, 0.2, 0.3, 0.4), lambda,
                    loads != null ? loads : quick ? List.of(0.8) : List.of(0.5, 0.8),
                    frontends != null ? frontends : List.of(1, 2, 4, 8), seeds != null ? seeds : quick ? 2 : 10, seed,
                    requests != null ? requests : quick ? 1_000 : 20_000);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * Per arrival process and load: the value at N over the central queue's, geometric mean over the
     * fleet shapes that could be split at every N (log scale).
     */
    private static XYChart ratioChart(RoutersExperiment.Result r, ToDoubleFunction<RoutersExperiment.Row> value, String what) {
        XYChart chart = ExperimentPlots.chart(what + " with N static shares / one central queue's (fleets split at every N)",
                "N (frontends)", what + " / central queue's (log)");
        chart.getStyler().setYAxisLogarithmic(true);
        List<String> arrivals = r.rows().stream().map(RoutersExperiment.Row::arrivals).distinct().toList();
        List<Double> loads = r.rows().stream().map(RoutersExperiment.Row::load).distinct().sorted().toList();
        List<Integer> ns = r.rows().stream().map(RoutersExperiment.Row::frontends).distinct().sorted().toList();
        for (String a : arrivals) {
            for (double load : loads) {
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                List<RoutersExperiment.Row> cell = r.rows().stream().filter(x -> x.arrivals().equals(a) && x.load() == load)
                        .toList();
                List<String> splittable = cell.stream().map(ExperimentRoutersCommand::fleet).distinct()
                        .filter(f -> cell.stream().filter(x -> fleet(x).equals(f)).allMatch(x -> x.runs() > 0)).toList();
                for (int n : ns) {
                    double mean = Math.exp(cell.stream().filter(x -> x.frontends() == n && splittable.contains(fleet(x)))
                            .mapToDouble(x -> Math.log(r.ratio(x, value))).filter(Double::isFinite).average()
                            .orElse(Double.NaN));
                    if (Double.isFinite(mean)) {
                        xs.add((double) n);
                        ys.add(mean);
                    }
                }
                if (!xs.isEmpty()) {
                    ExperimentPlots.line(chart, String.format(Locale.ROOT, "%s, load %.2f (%d fleet shapes)", a, load,
                            splittable.size()), ExperimentPlots.toArray(xs), ExperimentPlots.toArray(ys));
                }
            }
        }
        return chart;
    }

    private static String fleet(RoutersExperiment.Row r) {
        return r.servers() + "/" + r.eta();
    }
}
