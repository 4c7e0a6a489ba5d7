package io.chainplan.cli;

import io.chainplan.optimizer.experiment.PoliciesExperiment;
import io.chainplan.cli.format.FleetFiles;
import io.chainplan.router.policy.DispatchPolicies;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.knowm.xchart.XYChart;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code chainplan experiment policies}: JFFC vs JSQ, JIQ, SED and SA-JSQ on the GCA chains of a
 * paper-style fleet (J = 20, eta = 0.2, c = 7; DESIGN.md §1.3), load 0.1 to 0.9 of the chains' total
 * rate; each policy's mean response time averaged over seeds, with the Theorem 4 bounds. Writes
 * {@code policies.csv}, {@code policies.png} and the fleet to {@code --out}.
 */
@Command(name = "policies", mixinStandardHelpOptions = true,
        description = "Mean response time of five dispatch policies vs load, with the Theorem 4 bounds.")
public final class ExperimentPoliciesCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Mixin
    private ExperimentFleetOptions fleetOptions;

    @Option(names = "--c", paramLabel = "N", defaultValue = "7", description = "Cache reservation of GBP-CR (default ${DEFAULT-VALUE}).")
    private int c;

    @Option(names = "--loads", split = ",", paramLabel = "X", description = "Load factors (default 0.1,0.2,...,0.9; quick: 0.3,0.6,0.9).")
    private List<Double> loads;

    @Option(names = "--seeds", split = ",", paramLabel = "S", description = "Simulation seeds (default 1..5; quick: 1,2).")
    private List<Long> seeds;

    @Option(names = "--requests", paramLabel = "N", description = "Requests per run (default 200000; quick: 20000).")
    private Long requests;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "results/policies", description = "Output directory (default ${DEFAULT-VALUE}).")
    private Path out;

    @Option(names = "--quick", description = "Few loads, seeds and requests (what the test suite runs).")
    private boolean quick;

    @CommandLine.Mixin

    private VerboseOption verbose;

    @Override
    public Integer call() throws IOException {
        ExperimentFleetOptions.Loaded fleet = fleetOptions.load();
        List<Double> l = loads != null ? loads : quick ? List.of(0.3, 0.6, 0.9)
                : List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9);
        List<Long> s = seeds != null ? seeds : quick ? List.of(1L, 2L) : List.of(1L, 2L, 3L, 4L, 5L);
        long n = requests != null ? requests : quick ? 20_000 : 200_000;
        PoliciesExperiment.Settings settings;
        try {
            settings = new PoliciesExperiment.Settings(c, l, DispatchPolicies.all(), s, n);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        o.printf(Locale.ROOT, "# experiment policies: %s; c=%d; loads %s; seeds %s; %d requests per run (10%% warm-up);"
                + " Poisson arrivals, exponential service%n", fleet.description(), c, l, s, n);
        o.flush();
        PoliciesExperiment.Result r = PoliciesExperiment.run(fleet.fleet(), settings, line -> {
            err.println("  " + line);
            err.flush();
        });
        o.printf(Locale.ROOT, "# plan: %d chains, total capacity %d, total service rate %.6g req/s%n",
                r.plan().chains().size(), r.plan().totalCapacity(), r.plan().totalServiceRatePerSecond());
        o.print(table(r));
        Files.createDirectories(out);
        Files.writeString(out.resolve("policies.csv"), r.toCsv(), StandardCharsets.UTF_8);
        FleetFiles.write(fleet.fleet(), out.resolve("fleet.json"));
        ExperimentPlots.save(plot(r), out.resolve("policies.png"));
        o.println("# wrote " + out.resolve("policies.csv") + ", " + out.resolve("policies.png") + ", " + out.resolve("fleet.json"));
        o.flush();
        return 0;
    }

    static String table(PoliciesExperiment.Result r) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%5s %9s %9s %9s", "load", "lambda", "lower", "upper"));
        for (String p : r.policies()) {
            sb.append(String.format(Locale.ROOT, " %16s", p));
        }
        sb.append(System.lineSeparator());
        for (PoliciesExperiment.Row row : r.rows()) {
            sb.append(String.format(Locale.ROOT, "%5.2f %9.4f %9.3f %9.3f", row.load(), row.arrivalRate(),
                    row.bounds().lowerSeconds(), row.bounds().upperSeconds()));
            for (int i = 0; i < r.policies().size(); i++) {
                sb.append(String.format(Locale.ROOT, " %8.3f +/-%5.3f", row.meanSeconds().get(i), row.ci95Seconds().get(i)));
            }
            sb.append(System.lineSeparator());
        }
        return sb.toString();
    }

    private static XYChart plot(PoliciesExperiment.Result r) {
        XYChart chart = ExperimentPlots.chart("Mean response time vs load (GCA chains)", "load (fraction of total service rate)",
                "mean response time (s)");
        int n = r.rows().size();
        double[] x = new double[n];
        double[] lo = new double[n];
        double[] hi = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.rows().get(i).load();
            lo[i] = r.rows().get(i).bounds().lowerSeconds();
            hi[i] = r.rows().get(i).bounds().upperSeconds();
        }
        ExperimentPlots.band(chart, "Theorem 4 bounds", x, lo, hi);
        for (int p = 0; p < r.policies().size(); p++) {
            List<Double> y = new ArrayList<>();
            for (PoliciesExperiment.Row row : r.rows()) {
                y.add(row.meanSeconds().get(p));
            }
            ExperimentPlots.line(chart, r.policies().get(p), x, ExperimentPlots.toArray(y));
        }
        return chart;
    }

    /** @return the default output directory name, for tests */
    static Path defaultOut() {
        return Path.of("results", "policies");
    }
}
