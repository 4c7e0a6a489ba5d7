package io.chainplan.optimizer.experiment;

import io.chainplan.optimizer.fleets.PaperFleets;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Objective;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.sim.Arrivals;
import io.chainplan.optimizer.sim.ExponentialServiceModel;
import io.chainplan.optimizer.sim.PartitionedRoutingModel;
import io.chainplan.optimizer.sim.PoissonArrivals;
import io.chainplan.optimizer.sim.PolicyRoutingModel;
import io.chainplan.optimizer.sim.RequestTrace;
import io.chainplan.optimizer.sim.RoutingModel;
import io.chainplan.optimizer.sim.SimulationConfig;
import io.chainplan.optimizer.sim.SimulationResult;
import io.chainplan.optimizer.sim.Simulator;
import io.chainplan.optimizer.sim.TraceArrivals;
import io.chainplan.optimizer.tuning.CapacitySearch;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.router.policy.JffcDispatchPolicy;
import io.chainplan.stats.ConfidenceInterval;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Why a central queue (issue 14, DESIGN.md §2.5): {@code N} frontends that each dispatch with JFFC on a
 * static {@code 1/N} share of every chain's capacity ({@link PartitionedRoutingModel}, arrivals dealt
 * round robin) against the one central queue ({@code N = 1}, {@link PolicyRoutingModel}), on the
 * paper-grid fleets ({@link PaperFleets}: BLOOM-176B, {@code J} servers, a fraction {@code eta} of
 * 40 GB ones; the plan is chainplan's GBP-CR + GCA + search at the grid's {@code lambda}), under
 * Poisson arrivals and under the Azure 2023 code trace rate-scaled to the same rate; exponential
 * service. The arrival rate of a run is {@code load * nu} of the cell's plan.
 * <p>Replication {@code i} of a fleet shape uses fleet seed
 * {@link PaperGridExperiment#fleetSeed} and simulation seed {@code fleetSeed + 17}; all {@code N} of a
 * replication see the same arrivals and service draws (common random numbers). Under the trace every
 * replication replays the same first {@code requests} arrivals (the fleet and the service draws
 * differ). Mean and p99 response time are averaged over replications with a 95% Student-t interval.
 * A run is <em>overloaded</em> when its throughput stayed below 95% of its arrival rate.
 * <p>Deterministic for its inputs; runs sequentially.
 */
public final class RoutersExperiment {
    /** Arrival processes compared. */
    public static final String POISSON = "poisson";
    /** The Azure code trace, rate-scaled. */
    public static final String AZURE_CODE = "azure-code";
    private static final double OVERLOAD_THROUGHPUT_RATIO = 0.95;

    private RoutersExperiment() {
    }

    /**
     * Settings.
     *
     * @param servers   values of J
     * @param etas      values of eta
     * @param planRate  lambda the plans are solved for (the paper grid's)
     * @param loads     arrival rates as fractions of each plan's nu, in (0, 1)
     * @param frontends values of N, each {@code >= 1}; 1 is the central queue
     * @param seeds     replications per fleet shape, {@code >= 1}
     * @param baseSeed  base of the seeds
     * @param requests  requests per run (10% warm-up), {@code >= 10}
     */
    public record Settings(List<Integer> servers, List<Double> etas, double planRate, List<Double> loads,
                           List<Integer> frontends, int seeds, long baseSeed, long requests) {
        /** Validates and copies. */
        public Settings {
            servers = List.copyOf(servers);
            etas = List.copyOf(etas);
            loads = List.copyOf(loads);
            frontends = List.copyOf(frontends);
            if (servers.isEmpty() || servers.stream().anyMatch(j -> j < 1)) {
                throw new IllegalArgumentException("servers must be non-empty and >= 1, were " + servers);
            }
            if (etas.isEmpty() || etas.stream().anyMatch(e -> !(e >= 0 && e <= 1))) {
                throw new IllegalArgumentException("etas must be non-empty and in [0, 1], were " + etas);
            }
            if (loads.isEmpty() || loads.stream().anyMatch(l -> !(l > 0 && l < 1))) {
                throw new IllegalArgumentException("loads must be non-empty and in (0, 1), were " + loads);
            }
            if (frontends.isEmpty() || frontends.stream().anyMatch(n -> n < 1)) {
                throw new IllegalArgumentException("frontends must be non-empty and >= 1, were " + frontends);
            }
            if (!(planRate > 0) || seeds < 1 || requests < 10) {
                throw new IllegalArgumentException("need planRate > 0, seeds >= 1 and requests >= 10, were " + planRate
                        + ", " + seeds + " and " + requests);
            }
        }
    }

    /**
     * One cell: a fleet shape, an arrival process, a load and a number of frontends, over the replications.
     *
     * @param arrivals       {@value #POISSON} or {@value #AZURE_CODE}
     * @param servers        J
     * @param eta            eta
     * @param load           lambda / nu
     * @param frontends      N
     * @param runs           replications simulated (a plan with fewer slots than N cannot be split)
     * @param meanSeconds    mean over replications of the mean response time
     * @param meanCi95       95% half-width of that (NaN with one replication)
     * @param p99Seconds     mean over replications of the 99th percentile
     * @param p99Ci95        95% half-width of that
     * @param overloadedRuns runs whose throughput stayed below 95% of the arrival rate
     */
    public record Row(String arrivals, int servers, double eta, double load, int frontends, int runs, double meanSeconds,
                      double meanCi95, double p99Seconds, double p99Ci95, int overloadedRuns) {
    }

    /**
     * The outcome.
     *
     * @param rows every cell, in (arrivals, J, eta, load, N) order
     */
    public record Result(List<Row> rows) {
        /** Copies. */
        public Result {
            rows = List.copyOf(rows);
        }

        /**
         * The cell's central-queue row (N = 1), if simulated.
         *
         * @param r a row
         * @return the row of the same fleet, arrivals and load with one frontend
         */
        public Optional<Row> central(Row r) {
            return rows.stream().filter(o -> o.frontends() == 1 && o.arrivals().equals(r.arrivals())
                    && o.servers() == r.servers() && o.eta() == r.eta() && o.load() == r.load()).findFirst();
        }

        /** @return CSV, one line per cell, with the ratios to the central queue */
        public String toCsv() {
            StringBuilder sb = new StringBuilder("arrivals,servers,eta,load,frontends,runs,mean_response_s,mean_ci95_s,"
                    + "p99_response_s,p99_ci95_s,overloaded_runs,mean_vs_central,p99_vs_central\n");
            for (Row r : rows) {
                sb.append(String.format(Locale.ROOT, "%s,%d,%.2f,%.2f,%d,%d,%.6f,%.6f,%.6f,%.6f,%d,%.4f,%.4f%n",
                        r.arrivals(), r.servers(), r.eta(), r.load(), r.frontends(), r.runs(), r.meanSeconds(),
                        r.meanCi95(), r.p99Seconds(), r.p99Ci95(), r.overloadedRuns(), ratio(r, Row::meanSeconds),
                        ratio(r, Row::p99Seconds)));
            }
            return sb.toString();
        }

        /**
         * @param r   a row
         * @param get mean or p99
         * @return its value over the central queue's (NaN if either is missing)
         */
        public double ratio(Row r, java.util.function.ToDoubleFunction<Row> get) {
            return central(r).map(c -> get.applyAsDouble(r) / get.applyAsDouble(c)).orElse(Double.NaN);
        }

        /** @return one markdown table per arrival process: mean (p99) per N, and the ratio to N = 1 */
        public String toMarkdown() {
            TreeMap<String, List<Row>> byArrivals = new TreeMap<>(java.util.Comparator.reverseOrder());
            rows.forEach(r -> byArrivals.computeIfAbsent(r.arrivals(), a -> new ArrayList<>()).add(r));
            List<Integer> ns = rows.stream().map(Row::frontends).distinct().sorted().toList();
            StringBuilder sb = new StringBuilder();
            byArrivals.forEach((arrivals, list) -> {
                sb.append("Arrivals: ").append(arrivals).append(". Mean response time ± 95% CI (s), p99 in brackets,"
                        + " and the mean as a multiple of the central queue's (N = 1).\n\n| J | eta | load |");
                ns.forEach(n -> sb.append(n == 1 ? " N=1 (central) |" : " N=" + n + " |"));
                sb.append("\n|---:|---:|---:|");
                ns.forEach(n -> sb.append("---:|"));
                sb.append('\n');
                for (Row c : list.stream().filter(r -> r.frontends() == ns.get(0)).toList()) {
                    sb.append(String.format(Locale.ROOT, "| %d | %.1f | %.2f |", c.servers(), c.eta(), c.load()));
                    for (int n : ns) {
                        list.stream().filter(r -> r.frontends() == n && r.servers() == c.servers() && r.eta() == c.eta()
                                && r.load() == c.load()).findFirst().ifPresentOrElse(r -> sb.append(' ').append(cell(r))
                                .append(" |"), () -> sb.append(" n/a |"));
                    }
                    sb.append('\n');
                }
                sb.append('\n');
            });
            return sb.toString();
        }

        private String cell(Row r) {
            if (r.runs() == 0) {
                return "n/a (fewer slots than frontends)";
            }
            String ci = Double.isNaN(r.meanCi95()) ? "" : String.format(Locale.ROOT, " ± %.2f", r.meanCi95());
            String times = r.frontends() == 1 ? "" : String.format(Locale.ROOT, ", x%.2f", ratio(r, Row::meanSeconds));
            String over = r.overloadedRuns() == 0 ? "" : String.format(Locale.ROOT, ", %d/%d overloaded", r.overloadedRuns(),
                    r.runs());
            return String.format(Locale.ROOT, "%.2f%s [%.1f]%s%s", r.meanSeconds(), ci, r.p99Seconds(), times, over);
        }
    }

    /**
     * Runs the experiment.
     *
     * @param s          the settings
     * @param rttSeconds RIPE Atlas RTT samples (empty: uniform 5-60 ms)
     * @param trace      the Azure code trace (empty: Poisson only)
     * @param log        progress lines, one per cell
     * @return the result
     */
    public static Result run(Settings s, List<Double> rttSeconds, Optional<RequestTrace> trace, Consumer<String> log) {
        Objects.requireNonNull(s, "settings");
        Objects.requireNonNull(rttSeconds, "rttSeconds");
        Objects.requireNonNull(trace, "trace");
        List<String> kinds = trace.isPresent() ? List.of(POISSON, AZURE_CODE) : List.of(POISSON);
        List<Row> rows = new ArrayList<>();
        for (String kind : kinds) {
            for (int j : s.servers()) {
                for (double eta : s.etas()) {
                    List<Plan> plans = plans(s, rttSeconds, j, eta);
                    for (double load : s.loads()) {
                        for (int n : s.frontends()) {
                            Row r = cell(s, plans, trace, kind, j, eta, load, n);
                            rows.add(r);
                            log.accept(String.format(Locale.ROOT, "%s J=%d eta=%.2f load=%.2f N=%d: mean %.2f s, p99 %.1f s",
                                    kind, j, eta, load, n, r.meanSeconds(), r.p99Seconds()));
                        }
                    }
                }
            }
        }
        return new Result(rows);
    }

    /** The plans of a fleet shape's replications (null where the fleet has no stable plan). */
    private static List<Plan> plans(Settings s, List<Double> rtt, int j, double eta) {
        CapacitySearch search = new CapacitySearch(Objective.LOWER_BOUND, 1);
        List<Plan> out = new ArrayList<>();
        for (int i = 0; i < s.seeds(); i++) {
            long seed = PaperGridExperiment.fleetSeed(s.baseSeed(), j, eta, i);
            Fleet fleet = PaperFleets.generate(j, eta, rtt, new SplittableRandom(seed)).withArrivalRate(s.planRate());
            Plan p = search.solve(fleet);
            out.add(p.status() == PlanStatus.INFEASIBLE || p.chains().isEmpty() ? null : p);
        }
        return out;
    }

    private static Row cell(Settings s, List<Plan> plans, Optional<RequestTrace> trace, String kind, int j, double eta,
                            double load, int n) {
        List<Double> means = new ArrayList<>();
        List<Double> p99s = new ArrayList<>();
        int overloaded = 0;
        for (int i = 0; i < plans.size(); i++) {
            Plan p = plans.get(i);
            if (p == null) {
                continue;
            }
            RoutingPlan plan = RoutingPlan.of(p, 1);
            Optional<RoutingModel> routing = n == 1 ? Optional.of(new PolicyRoutingModel(new JffcDispatchPolicy(), plan))
                    : PartitionedRoutingModel.of(new JffcDispatchPolicy(), plan, n).map(m -> (RoutingModel) m);
            if (routing.isEmpty()) {
                continue;
            }
            double rate = load * plan.totalServiceRatePerSecond();
            Arrivals arrivals = kind.equals(POISSON) ? PoissonArrivals.atRate(rate)
                    : new TraceArrivals(trace.orElseThrow().rescaledTo(rate));
            long requests = Math.min(s.requests(), arrivals.size());
            long seed = PaperGridExperiment.fleetSeed(s.baseSeed(), j, eta, i) + 17;
            SimulationResult r = Simulator.run(SimulationConfig.of(requests, seed), arrivals, new ExponentialServiceModel(),
                    routing.get());
            means.add(r.responseTime().meanSeconds());
            p99s.add(r.responseTime().p99Seconds());
            if (r.throughputPerSecond() < OVERLOAD_THROUGHPUT_RATIO * rate) {
                overloaded++;
            }
        }
        if (means.isEmpty()) {
            return new Row(kind, j, eta, load, n, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        }
        ConfidenceInterval mean = ci(means);
        ConfidenceInterval p99 = ci(p99s);
        return new Row(kind, j, eta, load, n, means.size(), mean.mean(), mean.halfWidth(), p99.mean(), p99.halfWidth(),
                overloaded);
    }

    private static ConfidenceInterval ci(List<Double> values) {
        return ConfidenceInterval.ofMean(values.stream().mapToDouble(Double::doubleValue).toArray(),
                ConfidenceInterval.CONFIDENCE_95);
    }
}
