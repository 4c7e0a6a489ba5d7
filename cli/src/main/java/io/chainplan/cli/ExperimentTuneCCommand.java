package io.chainplan.cli;

import io.chainplan.optimizer.experiment.TuneCExperiment;
import io.chainplan.cli.format.FleetFiles;
import io.chainplan.optimizer.model.Objective;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code chainplan experiment tune-c}: for a few arrival rates, the cache reservation {@code c*} each
 * objective of the search over c picks (lower bound, upper bound, surrogate {@code c K(c)}; DESIGN.md
 * §1.2) against the {@code c} whose chains give the lowest simulated JFFC mean response time. Writes
 * {@code tune-c.csv}, {@code tune-c.png} and the fleet to {@code --out}.
 */
@Command(name = "tune-c", mixinStandardHelpOptions = true,
        description = "Compare c* chosen by each objective with the c of lowest simulated mean response time.")
public final class ExperimentTuneCCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Mixin
    private ExperimentFleetOptions fleetOptions;

    @Option(names = "--rates", split = ",", paramLabel = "R", description = "Arrival rates, req/s (default 0.2,0.4,0.6,0.8,1.0; quick: 0.2,0.8).")
    private List<Double> rates;

    @Option(names = "--seeds", split = ",", paramLabel = "S", description = "Simulation seeds (default 1,2,3; quick: 1).")
    private List<Long> seeds;

    @Option(names = "--requests", paramLabel = "N", description = "Requests per simulation (default 50000; quick: 4000).")
    private Long requests;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "results/tune-c", description = "Output directory (default ${DEFAULT-VALUE}).")
    private Path out;

    @Option(names = "--quick", description = "Few rates, seeds and requests (what the test suite runs).")
    private boolean quick;

    @CommandLine.Mixin

    private VerboseOption verbose;

    @Override
    public Integer call() throws IOException {
        ExperimentFleetOptions.Loaded fleet = fleetOptions.load();
        List<Double> r = rates != null ? rates : quick ? List.of(0.2, 0.8) : List.of(0.2, 0.4, 0.6, 0.8, 1.0);
        List<Long> s = seeds != null ? seeds : quick ? List.of(1L) : List.of(1L, 2L, 3L);
        long n = requests != null ? requests : quick ? 4_000 : 50_000;
        TuneCExperiment.Settings settings;
        try {
            settings = new TuneCExperiment.Settings(r, List.of(Objective.values()), s, n);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        o.printf(Locale.ROOT, "# experiment tune-c: %s; rates %s; seeds %s; %d requests per simulation (10%% warm-up);"
                + " JFFC, Poisson arrivals, exponential service; every c with a stable plan simulated%n",
                fleet.description(), r, s, n);
        o.flush();
        TuneCExperiment.Result result = TuneCExperiment.run(fleet.fleet(), settings, line -> {
            err.println("  " + line);
            err.flush();
        });
        o.print(table(result));
        Files.createDirectories(out);
        Files.writeString(out.resolve("tune-c.csv"), result.toCsv(), StandardCharsets.UTF_8);
        FleetFiles.write(fleet.fleet(), out.resolve("fleet.json"));
        ExperimentPlots.save(plot(result), out.resolve("tune-c.png"));
        o.println("# wrote " + out.resolve("tune-c.csv") + ", " + out.resolve("tune-c.png") + ", " + out.resolve("fleet.json"));
        o.flush();
        return 0;
    }

    static String table(TuneCExperiment.Result r) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%8s", "lambda"));
        for (String o : r.objectives()) {
            sb.append(String.format(Locale.ROOT, " %20s", o + " c* (mean)"));
        }
        sb.append(String.format(Locale.ROOT, " %20s %7s%n", "sim best c (mean)", "stable"));
        for (TuneCExperiment.Row row : r.rows()) {
            sb.append(String.format(Locale.ROOT, "%8.4f", row.arrivalRate()));
            for (int i = 0; i < r.objectives().size(); i++) {
                sb.append(String.format(Locale.ROOT, " %9d (%8.3f)", row.chosenC().get(i), row.chosenMeanSeconds().get(i)));
            }
            sb.append(String.format(Locale.ROOT, " %9d (%8.3f) %7d%n", row.bestC(), row.bestMeanSeconds(), row.stableCandidates()));
        }
        return sb.toString();
    }

    private static XYChart plot(TuneCExperiment.Result r) {
        XYChart chart = ExperimentPlots.chart("Chosen cache reservation c vs arrival rate", "arrival rate (req/s)", "c");
        double[] x = r.rows().stream().mapToDouble(TuneCExperiment.Row::arrivalRate).toArray();
        for (int i = 0; i < r.objectives().size(); i++) {
            int idx = i;
            double[] y = r.rows().stream().mapToDouble(row -> row.chosenC().get(idx)).toArray();
            ExperimentPlots.line(chart, "c* by " + r.objectives().get(i), x, y);
        }
        double[] best = r.rows().stream().mapToDouble(TuneCExperiment.Row::bestC).toArray();
        XYSeries s = chart.addSeries("c with lowest simulated mean", x, best);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        return chart;
    }
}
