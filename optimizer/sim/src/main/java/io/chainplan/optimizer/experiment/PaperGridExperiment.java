package io.chainplan.optimizer.experiment;

import io.chainplan.optimizer.fleets.PaperFleets;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.sim.ExponentialServiceModel;
import io.chainplan.optimizer.sim.PoissonArrivals;
import io.chainplan.optimizer.sim.SimulationConfig;
import io.chainplan.optimizer.sim.SimulationResult;
import io.chainplan.optimizer.sim.Simulator;
import io.chainplan.stats.ConfidenceInterval;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The paper's simulation grid (arXiv 2604.14993, §6.1; DESIGN.md §1.3): BLOOM-176B on paper-style fleets
 * ({@link PaperFleets}: 40 GB / 20 GB servers, RIPE Atlas RTTs), {@code J} servers with a fraction
 * {@code eta} of fast ones, Poisson arrivals at {@code lambda}, exponential service; chainplan
 * (GBP-CR + GCA + JFFC), PETALS and BPRR on the same fleets and the same arrival sequences; the mean
 * response time per method averaged over seeds and chainplan's reduction against each baseline. Plus a
 * sweep of {@code lambda} at one {@code (J, eta)}.
 * <p>Seeds: replication {@code i} of a cell uses fleet seed
 * {@code baseSeed * 1_000_003 + J * 1009 + round(100 eta) * 31 + i} (so the sweep reuses the grid's
 * fleets), PETALS' join order seed {@code fleetSeed ^ 0x5eed} and simulation seed {@code fleetSeed + 17},
 * the latter shared by all methods (common random numbers).
 * <p>A run is flagged <em>overloaded</em> when its measured throughput is below 95% of {@code lambda}:
 * its mean then grows with the run length. Deterministic for its inputs; runs sequentially.
 */
public final class PaperGridExperiment {
    /** The methods compared, in table order. */
    public static final List<ServingMethod> METHODS = List.of(ServingMethod.CHAINPLAN, ServingMethod.PETALS,
            ServingMethod.BPRR);
    private static final double OVERLOAD_THROUGHPUT_RATIO = 0.95;

    private PaperGridExperiment() {
    }

    /**
     * Settings.
     *
     * @param servers values of J
     * @param etas values of eta
     * @param arrivalRate lambda of the grid
     * @param sweepServers J of the lambda sweep
     * @param sweepEta eta of the lambda sweep
     * @param sweepRates lambdas of the sweep (empty: no sweep)
     * @param seeds replications per cell, {@code >= 1}
     * @param baseSeed base of all seeds
     * @param requests requests per run (10% warm-up), {@code >= 10}
     * @param methods baseline and solver settings
     */
    public record Settings(List<Integer> servers, List<Double> etas, double arrivalRate, int sweepServers, double sweepEta,
            List<Double> sweepRates, int seeds, long baseSeed, long requests, ServingMethods.Settings methods) {
        /** Validates and copies. */
        public Settings {
            servers = List.copyOf(servers);
            etas = List.copyOf(etas);
            sweepRates = List.copyOf(sweepRates);
            Objects.requireNonNull(methods, "methods");
            if (servers.isEmpty() || etas.isEmpty() || servers.stream().anyMatch(j -> j < 1) || sweepServers < 1) {
                throw new IllegalArgumentException("servers must be non-empty and >= 1, were " + servers + " and " + sweepServers);
            }
            if (etas.stream().anyMatch(e -> !(e >= 0 && e <= 1)) || !(sweepEta >= 0 && sweepEta <= 1)) {
                throw new IllegalArgumentException("etas must be in [0, 1], were " + etas + " and " + sweepEta);
            }
            if (!(arrivalRate > 0) || sweepRates.stream().anyMatch(r -> !(r > 0))) {
                throw new IllegalArgumentException("arrival rates must be > 0, were " + arrivalRate + " and " + sweepRates);
            }
            if (seeds < 1 || requests < 10) {
                throw new IllegalArgumentException("need seeds >= 1 and requests >= 10, were " + seeds + " and " + requests);
            }
        }
    }

    /**
     * One method in one cell, over the seeds.
     *
     * @param method the method
     * @param meanSeconds mean over seeds of the run's mean response time (NaN if it never could serve)
     * @param ci95Seconds 95% half-width across seeds (NaN with one seed)
     * @param waitingSeconds mean over seeds of the mean waiting time
     * @param serviceSeconds mean over seeds of the mean service time
     * @param runs runs that could be simulated
     * @param overloadedRuns runs whose throughput stayed below 95% of lambda
     * @param detail what the method decided in the first replication
     */
    public record MethodStats(ServingMethod method, double meanSeconds, double ci95Seconds, double waitingSeconds,
            double serviceSeconds, int runs, int overloadedRuns, String detail) {
    }

    /**
     * One cell: a fleet shape and a rate.
     *
     * @param servers J
     * @param eta eta
     * @param arrivalRate lambda
     * @param methods per method, {@link #METHODS} order
     */
    public record Cell(int servers, double eta, double arrivalRate, List<MethodStats> methods) {
        /** Copies. */
        public Cell {
            methods = List.copyOf(methods);
        }

        /**
         * @param m a method
         * @return its statistics
         */
        public MethodStats of(ServingMethod m) {
            return methods.stream().filter(s -> s.method() == m).findFirst().orElseThrow();
        }

        /**
         * chainplan's reduction of the mean response time against a baseline: {@code 1 - ours / theirs}.
         *
         * @param baseline the baseline
         * @return the fraction (NaN if either is missing)
         */
        public double reductionVs(ServingMethod baseline) {
            return 1 - of(ServingMethod.CHAINPLAN).meanSeconds() / of(baseline).meanSeconds();
        }
    }

    /**
     * The outcome.
     *
     * @param grid cells of the grid, J-major
     * @param sweep cells of the lambda sweep
     */
    public record Result(List<Cell> grid, List<Cell> sweep) {
        /** Copies. */
        public Result {
            grid = List.copyOf(grid);
            sweep = List.copyOf(sweep);
        }

        /** @return markdown tables of the grid and the sweep */
        public String toMarkdown() {
            return table(grid) + (sweep.isEmpty() ? "" : System.lineSeparator() + table(sweep));
        }

        /** @return CSV: one row per cell and method */
        public String toCsv() {
            StringBuilder sb = new StringBuilder("part,servers,eta,lambda,method,mean_response_s,ci95_s,mean_waiting_s,"
                    + "mean_service_s,runs,overloaded_runs,reduction_vs_petals,reduction_vs_bprr\n");
            appendCsv(sb, "grid", grid);
            appendCsv(sb, "sweep", sweep);
            return sb.toString();
        }

        private static void appendCsv(StringBuilder sb, String part, List<Cell> cells) {
            for (Cell c : cells) {
                for (MethodStats m : c.methods()) {
                    boolean ours = m.method() == ServingMethod.CHAINPLAN;
                    sb.append(String.format(Locale.ROOT, "%s,%d,%.2f,%.4f,%s,%.6f,%.6f,%.6f,%.6f,%d,%d,%s,%s%n", part,
                            c.servers(), c.eta(), c.arrivalRate(), m.method(), m.meanSeconds(), m.ci95Seconds(),
                            m.waitingSeconds(), m.serviceSeconds(), m.runs(), m.overloadedRuns(),
                            ours ? fmt(c.reductionVs(ServingMethod.PETALS)) : "", ours ? fmt(c.reductionVs(ServingMethod.BPRR)) : ""));
                }
            }
        }

        private static String fmt(double v) {
            return String.format(Locale.ROOT, "%.6f", v);
        }

        private static String table(List<Cell> cells) {
            StringBuilder sb = new StringBuilder("| J | eta | lambda | chainplan (s) | PETALS (s) | BPRR (s) | vs PETALS | vs BPRR |\n");
            sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Cell c : cells) {
                sb.append(String.format(Locale.ROOT, "| %d | %.1f | %.2f | %s | %s | %s | %s | %s |%n", c.servers(), c.eta(),
                        c.arrivalRate(), cell(c.of(ServingMethod.CHAINPLAN)), cell(c.of(ServingMethod.PETALS)),
                        cell(c.of(ServingMethod.BPRR)), pct(c.reductionVs(ServingMethod.PETALS)),
                        pct(c.reductionVs(ServingMethod.BPRR))));
            }
            return sb.toString();
        }

        private static String cell(MethodStats m) {
            if (m.runs() == 0) {
                return "n/a";
            }
            String ci = Double.isNaN(m.ci95Seconds()) ? "" : String.format(Locale.ROOT, " ± %.2f", m.ci95Seconds());
            String over = m.overloadedRuns() == 0 ? "" : String.format(Locale.ROOT, " (%d/%d overloaded)", m.overloadedRuns(), m.runs());
            return String.format(Locale.ROOT, "%.2f%s%s", m.meanSeconds(), ci, over);
        }

        private static String pct(double v) {
            return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
        }
    }

    /**
     * Runs the grid and the sweep.
     *
     * @param settings the settings
     * @param rttSeconds RIPE Atlas RTT samples (empty: uniform 5-60 ms)
     * @param log progress lines, one per cell
     * @return the result
     */
    public static Result run(Settings settings, List<Double> rttSeconds, Consumer<String> log) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(rttSeconds, "rttSeconds");
        Objects.requireNonNull(log, "log");
        ServingMethods methods = new ServingMethods(settings.methods());
        List<Cell> grid = new ArrayList<>();
        for (int j : settings.servers()) {
            for (double eta : settings.etas()) {
                grid.add(cell(methods, settings, rttSeconds, j, eta, settings.arrivalRate(), log));
            }
        }
        List<Cell> sweep = new ArrayList<>();
        for (double rate : settings.sweepRates()) {
            sweep.add(cell(methods, settings, rttSeconds, settings.sweepServers(), settings.sweepEta(), rate, log));
        }
        return new Result(grid, sweep);
    }

    /**
     * The fleet seed of replication {@code i} of cell {@code (J, eta)}.
     *
     * @param baseSeed the base seed
     * @param servers J
     * @param eta eta
     * @param i replication
     * @return the seed
     */
    public static long fleetSeed(long baseSeed, int servers, double eta, int i) {
        return baseSeed * 1_000_003L + servers * 1009L + Math.round(100 * eta) * 31L + i;
    }

    private static Cell cell(ServingMethods methods, Settings s, List<Double> rtt, int servers, double eta, double rate,
            Consumer<String> log) {
        int n = s.seeds();
        double[][] mean = new double[METHODS.size()][n];
        double[][] wait = new double[METHODS.size()][n];
        double[][] serv = new double[METHODS.size()][n];
        int[] runs = new int[METHODS.size()];
        int[] overloaded = new int[METHODS.size()];
        String[] detail = new String[METHODS.size()];
        for (int i = 0; i < n; i++) {
            long fleetSeed = fleetSeed(s.baseSeed(), servers, eta, i);
            Fleet fleet = PaperFleets.generate(servers, eta, rtt, new SplittableRandom(fleetSeed)).withArrivalRate(rate);
            for (int k = 0; k < METHODS.size(); k++) {
                Optional<ServingMethods.Built> built = methods.build(METHODS.get(k), fleet, fleetSeed ^ 0x5eedL);
                if (detail[k] == null) {
                    detail[k] = built.map(ServingMethods.Built::detail).orElse("cannot serve the fleet");
                }
                if (built.isEmpty()) {
                    mean[k][i] = Double.NaN;
                    continue;
                }
                SimulationResult r = Simulator.run(SimulationConfig.of(s.requests(), fleetSeed + 17),
                        PoissonArrivals.atRate(rate), new ExponentialServiceModel(), built.get().routing());
                mean[k][i] = r.responseTime().meanSeconds();
                wait[k][i] = r.waitingTime().meanSeconds();
                serv[k][i] = r.serviceTime().meanSeconds();
                runs[k]++;
                if (r.throughputPerSecond() < OVERLOAD_THROUGHPUT_RATIO * rate) {
                    overloaded[k]++;
                }
            }
        }
        List<MethodStats> stats = new ArrayList<>();
        for (int k = 0; k < METHODS.size(); k++) {
            stats.add(summarise(METHODS.get(k), mean[k], wait[k], serv[k], runs[k], overloaded[k], detail[k]));
        }
        Cell c = new Cell(servers, eta, rate, stats);
        log.accept(String.format(Locale.ROOT, "J=%d eta=%.2f lambda=%.3f: chainplan %.2f s, petals %.2f s, bprr %.2f s",
                servers, eta, rate, c.of(ServingMethod.CHAINPLAN).meanSeconds(), c.of(ServingMethod.PETALS).meanSeconds(),
                c.of(ServingMethod.BPRR).meanSeconds()));
        return c;
    }

    private static MethodStats summarise(ServingMethod m, double[] mean, double[] wait, double[] serv, int runs,
            int overloaded, String detail) {
        if (runs < mean.length) {
            return new MethodStats(m, Double.NaN, Double.NaN, Double.NaN, Double.NaN, runs, overloaded, detail);
        }
        ConfidenceInterval ci = ConfidenceInterval.ofMean(mean, ConfidenceInterval.CONFIDENCE_95);
        return new MethodStats(m, ci.mean(), ci.halfWidth(), Arrays.stream(wait).average().orElse(Double.NaN),
                Arrays.stream(serv).average().orElse(Double.NaN), runs, overloaded, detail);
    }
}
