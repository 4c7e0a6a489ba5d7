package io.chainplan.cli;

import io.chainplan.optimizer.allocation.DijkstraGcaCacheAllocation;
import io.chainplan.optimizer.arrival.ArrivalModel;
import io.chainplan.optimizer.fleets.PaperFleets;
import io.chainplan.bench.SolveBenchmark;
import io.chainplan.cli.format.FleetFiles;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Objective;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.tuning.CapacitySearch;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chainplan bench solve}: times the full search over c on paper-style fleets
 * (DESIGN.md §1.3; {@link PaperFleets}) for several fleet sizes and prints a table: J, values of
 * c tried, distinct placements, chosen c, chains, median solve time after warm-up, peak heap and,
 * for small J, whether the plain JGraphT-Dijkstra GCA gives the identical plan.
 */
@Command(name = "solve", mixinStandardHelpOptions = true,
        description = "Benchmark the solver (search over c, GBP-CR, GCA, bounds) on paper-style fleets.")
public final class BenchSolveCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--j", split = ",", paramLabel = "J", defaultValue = "20,100,400,1000,4000,10000",
            description = "Fleet sizes (default ${DEFAULT-VALUE}).")
    private List<Integer> sizes;

    @Option(names = "--runs", defaultValue = "5", description = "Timed runs per size (default ${DEFAULT-VALUE}).")
    private int runs;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed warm-up runs per size (default ${DEFAULT-VALUE}).")
    private int warmup;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the fleet generator (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--eta", defaultValue = "0.2", description = "Fraction of 40 GB servers (default ${DEFAULT-VALUE}).")
    private double eta;

    @Option(names = "--objective", defaultValue = "lower-bound", description = "Objective (default ${DEFAULT-VALUE}).")
    private String objective;

    @Option(names = "--threads", description = "Threads for the search (default: available processors).")
    private Integer threads;

    @Option(names = "--fleet-out", paramLabel = "DIR", description = "Also write each generated fleet as DIR/fleet-J<J>-seed<S>.json.")
    private Path fleetOut;

    @Option(names = "--rtt-csv", paramLabel = "PATH", defaultValue = "../shared/data/ripe-atlas-eu-rtt.csv",
            description = "RIPE Atlas RTT file, column latency_m1 (default ${DEFAULT-VALUE}); uniform 5-60 ms if absent.")
    private Path rttCsv;

    @Option(names = "--verify-plain-up-to", paramLabel = "J", defaultValue = "400",
            description = "Also solve with the plain Dijkstra GCA for J up to this and compare (default ${DEFAULT-VALUE}; 0 = never).")
    private int verifyUpTo;

    @CommandLine.Mixin

    private VerboseOption verbose;

    @Override
    public Integer call() throws IOException {
        Objective o;
        try {
            o = Objective.fromCliName(objective);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--objective " + e.getMessage());
        }
        if (runs < 1 || warmup < 0 || sizes.stream().anyMatch(j -> j < 1) || !(eta >= 0 && eta <= 1)) {
            throw new UsageException("need --runs >= 1, --warmup >= 0, every --j >= 1 and --eta in [0, 1]");
        }
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        PrintWriter out = spec.commandLine().getOut();
        List<Double> rtt = CliSupport.rttSamples(rttCsv, spec);
        out.printf(Locale.ROOT, "# chainplan bench solve: objective %s, threads %d, runs %d after %d warm-up, seed %d, eta %.2f,"
                + " max heap %d MB, %s%n", o.cliName(), n, runs, warmup, seed, eta, Runtime.getRuntime().maxMemory() >> 20,
                rtt.isEmpty() ? "RTT uniform 5-60 ms (" + rttCsv + " not found)" : "RTT from " + rttCsv + " (" + rtt.size() + " samples)");
        out.printf(Locale.ROOT, "%7s %8s %10s %5s %7s %-8s %11s %10s %9s %9s %10s %6s%n", "J", "cTried", "placements", "c",
                "chains", "status", "median_ms", "min_ms", "peak_MB", "bursty_c", "bursty_ms", "plain");
        out.flush();
        SolveBenchmark bench = new SolveBenchmark(o, n);
        for (int j : sizes) {
            Fleet fleet = PaperFleets.generate(j, eta, rtt, new SplittableRandom(seed));
            if (fleetOut != null) {
                Files.createDirectories(fleetOut);
                FleetFiles.write(fleet, fleetOut.resolve("fleet-J" + j + "-seed" + seed + ".json"));
            }
            SolveBenchmark.Row r = bench.run(fleet, warmup, runs);
            String plain = j <= verifyUpTo ? (samePlan(fleet, o, r.plan()) ? "same" : "DIFF") : "-";
            SolveBenchmark.Row b = bench.run(fleet.withArrivals(bursty(fleet.arrivalRatePerSecond())), warmup, runs);
            out.printf(Locale.ROOT, "%7d %8d %10d %5d %7d %-8s %11.1f %10.1f %9d %9d %10.1f %6s%n", j, r.candidatesTried(),
                    r.placementsEvaluated(), r.c(), r.chains(), r.status(), r.medianMillis(), r.minMillis(),
                    r.peakHeapBytes() >> 20, b.c(), b.medianMillis(), plain);
            out.flush();
        }
        return 0;
    }

    /**
     * The bursty column's arrivals: bursts a quarter of the time at four times the mean rate, 30 s long on
     * average, none in between (the search then also evaluates GBP-CR over all servers and the QBD bounds).
     */
    private static ArrivalModel bursty(double rate) {
        return new ArrivalModel.Mmpp2(4 * rate, 0, 1 / 30.0, 1 / 90.0);
    }

    private static boolean samePlan(Fleet fleet, Objective o, Plan fast) {
        Plan plain = new CapacitySearch(o, 1, new DijkstraGcaCacheAllocation()).solve(fleet);
        return plain.equals(fast.withSolverMillis(0));
    }
}
