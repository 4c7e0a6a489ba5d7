package io.chainplan.cli;

import io.chainplan.optimizer.baseline.CachePool;
import io.chainplan.optimizer.experiment.PaperGridExperiment;
import io.chainplan.optimizer.experiment.ServingMethod;
import io.chainplan.optimizer.experiment.ServingMethods;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chainplan experiment paper-grid}: the paper's simulation grid (DESIGN.md §1.3): BLOOM-176B,
 * J in {10,20,30,40}, eta in {0.1..0.4}, lambda = 0.2, 20 seeds, exponential service; chainplan vs
 * PETALS vs BPRR, and a lambda sweep at J = 20. Writes {@code paper-grid.md}, {@code paper-grid.csv},
 * {@code paper-grid-vs-j.png}, {@code paper-grid-vs-eta.png} and {@code paper-grid-lambda.png}.
 */
@Command(name = "paper-grid", mixinStandardHelpOptions = true,
        description = "chainplan vs PETALS vs BPRR on the paper's simulation grid (J x eta, lambda sweep).")
public final class PaperGridCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--servers", split = ",", paramLabel = "J", description = "Values of J (default 10,20,30,40; quick: 10,20).")
    private List<Integer> servers;

    @Option(names = "--etas", split = ",", paramLabel = "X", description = "Fractions of 40 GB servers (default 0.1,0.2,0.3,0.4; quick: 0.1,0.4).")
    private List<Double> etas;

    @Option(names = "--lambda", paramLabel = "R", defaultValue = "0.2", description = "Arrival rate of the grid, req/s (default ${DEFAULT-VALUE}).")
    private double lambda;

    @Option(names = "--sweep-rates", split = ",", paramLabel = "R",
            description = "Arrival rates of the sweep (default 0.1,0.2,0.3,0.4,0.6,0.8,1.0; quick: 0.2,0.6; 0 = no sweep).")
    private List<Double> sweepRates;

    @Option(names = "--sweep-servers", paramLabel = "J", defaultValue = "20", description = "J of the sweep (default ${DEFAULT-VALUE}).")
    private int sweepServers;

    @Option(names = "--sweep-eta", paramLabel = "X", defaultValue = "0.2", description = "eta of the sweep (default ${DEFAULT-VALUE}).")
    private double sweepEta;

    @Option(names = "--seeds", paramLabel = "N", description = "Replications per cell (default 20; quick: 2).")
    private Integer seeds;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Base seed (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--requests", paramLabel = "N", description = "Requests per run, 10%% warm-up (default 10000; quick: 400).")
    private Long requests;

    @Option(names = "--baseline-pool", paramLabel = "P", defaultValue = "reserved",
            description = "Cache pool of PETALS/BPRR servers: reserved (what they allocate) or all-free-memory (default ${DEFAULT-VALUE}).")
    private String pool;

    @Option(names = "--petals-penalty", paramLabel = "S", defaultValue = "10",
            description = "PETALS routing penalty for a server believed to lack cache, s (default ${DEFAULT-VALUE}).")
    private double penalty;

    @Option(names = "--rtt-csv", paramLabel = "PATH", defaultValue = "../shared/data/ripe-atlas-eu-rtt.csv",
            description = "RIPE Atlas RTTs (default ${DEFAULT-VALUE}); uniform 5-60 ms if absent.")
    private Path rttCsv;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "results/paper-grid", description = "Output directory (default ${DEFAULT-VALUE}).")
    private Path out;

    @Option(names = "--quick", description = "Few cells, seeds and requests (what the test suite runs).")
    private boolean quick;

    @CommandLine.Mixin

    private VerboseOption verbose;

    @Override
    public Integer call() throws IOException {
        PaperGridExperiment.Settings settings = settings();
        List<Double> rtt = CliSupport.rttSamples(rttCsv, spec);
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        o.printf(Locale.ROOT, "# experiment paper-grid: BLOOM-176B paper-style fleets (%s); J %s, eta %s, lambda %.3f;"
                + " sweep J=%d eta=%.2f lambda %s; %d seeds per cell (base seed %d); %d requests per run (10%% warm-up);"
                + " Poisson arrivals, exponential service; baseline pool %s, PETALS penalty %.1f s%n",
                rtt.isEmpty() ? "RTT uniform 5-60 ms" : rtt.size() + " RTTs from " + rttCsv, settings.servers(),
                settings.etas(), settings.arrivalRate(), settings.sweepServers(), settings.sweepEta(), settings.sweepRates(),
                settings.seeds(), settings.baseSeed(), settings.requests(), settings.methods().pool().cliName(),
                settings.methods().petalsPenaltySeconds());
        o.flush();
        PaperGridExperiment.Result r = PaperGridExperiment.run(settings, rtt, line -> {
            err.println("  " + line);
            err.flush();
        });
        String md = r.toMarkdown();
        o.print(md);
        Files.createDirectories(out);
        Files.writeString(out.resolve("paper-grid.md"), md, StandardCharsets.UTF_8);
        Files.writeString(out.resolve("paper-grid.csv"), r.toCsv(), StandardCharsets.UTF_8);
        ExperimentPlots.save(byDimension(r.grid(), settings.etas(), PaperGridExperiment.Cell::eta, c -> c.servers(), "J (servers)",
                "eta"), out.resolve("paper-grid-vs-j.png"));
        ExperimentPlots.save(byDimension(r.grid(), settings.servers().stream().map(j -> (double) j).toList(),
                c -> (double) c.servers(), PaperGridExperiment.Cell::eta, "eta (fraction of 40 GB servers)", "J"), out.resolve("paper-grid-vs-eta.png"));
        if (!r.sweep().isEmpty()) {
            ExperimentPlots.save(byDimension(r.sweep(), List.of(settings.sweepEta()), PaperGridExperiment.Cell::eta, PaperGridExperiment.Cell::arrivalRate,
                    "lambda (req/s) at J=" + settings.sweepServers(), "eta"), out.resolve("paper-grid-lambda.png"));
        }
        o.println("# wrote " + out.resolve("paper-grid.md") + ", paper-grid.csv and PNG plots in " + out);
        o.flush();
        return 0;
    }

    private PaperGridExperiment.Settings settings() {
        List<Integer> j = servers != null ? servers : quick ? List.of(10, 20) : List.of(10, 20, 30, 40);
        List<Double> e = etas != null ? etas : quick ? List.of(0.1, 0.4) : List.of(0.1, 0.2, 0.3, 0.4);
        List<Double> sweep = sweepRates != null ? sweepRates.stream().filter(x -> x > 0).toList()
                : quick ? List.of(0.2, 0.6) : List.of(0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 1.0);
        int n = seeds != null ? seeds : quick ? 2 : 20;
        long req = requests != null ? requests : quick ? 400 : 10_000;
        try {
            CachePool p = CachePool.valueOf(pool.toUpperCase(Locale.ROOT).replace('-', '_'));
            ServingMethods.Settings m = new ServingMethods.Settings(p, penalty, 1);
            return new PaperGridExperiment.Settings(j, e, lambda, sweepServers, sweepEta, sweep, n, seed, req, m);
        } catch (IllegalArgumentException ex) {
            throw new UsageException(ex.getMessage());
        }
    }

    /** Mean response time (log scale) of every method against one dimension, one line per value of the other. */
    private static XYChart byDimension(List<PaperGridExperiment.Cell> cells, List<Double> groups, ToDoubleFunction<PaperGridExperiment.Cell> group,
            Function<PaperGridExperiment.Cell, Number> x, String xTitle, String groupName) {
        XYChart chart = ExperimentPlots.chart("Mean response time, BLOOM-176B", xTitle, "mean response time (s, log)");
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        for (ServingMethod m : PaperGridExperiment.METHODS) {
            for (double g : groups) {
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                for (PaperGridExperiment.Cell c : cells) {
                    double y = c.of(m).meanSeconds();
                    if (group.applyAsDouble(c) == g && y > 0 && Double.isFinite(y)) {
                        xs.add(x.apply(c).doubleValue());
                        ys.add(y);
                    }
                }
                if (!xs.isEmpty()) {
                    String name = groups.size() == 1 ? m.cliName()
                            : String.format(Locale.ROOT, "%s %s=%s", m.cliName(), groupName, fmt(g));
                    ExperimentPlots.line(chart, name, ExperimentPlots.toArray(xs), ExperimentPlots.toArray(ys));
                }
            }
        }
        return chart;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
