package io.chainplan.optimizer.experiment;

import io.chainplan.optimizer.allocation.GcaCacheAllocation;
import io.chainplan.optimizer.arrival.ArrivalModel;
import io.chainplan.optimizer.arrival.Burstiness;
import io.chainplan.optimizer.arrival.Mmpp2Fit;
import io.chainplan.optimizer.fleets.PaperFleets;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.placement.GbpCrBlockPlacement;
import io.chainplan.optimizer.placement.PlacementResult;
import io.chainplan.optimizer.sim.Arrivals;
import io.chainplan.optimizer.sim.ExponentialServiceModel;
import io.chainplan.optimizer.sim.MmppArrivals;
import io.chainplan.optimizer.sim.PoissonArrivals;
import io.chainplan.optimizer.sim.PolicyRoutingModel;
import io.chainplan.optimizer.sim.RequestTrace;
import io.chainplan.optimizer.sim.ServiceModel;
import io.chainplan.optimizer.sim.SimulationConfig;
import io.chainplan.optimizer.sim.SimulationResult;
import io.chainplan.optimizer.sim.Simulator;
import io.chainplan.optimizer.sim.TokenServiceModel;
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
import java.util.function.Consumer;

/**
 * The paper's method against chainplan's burst-aware planning (DESIGN.md §1.4): on paper-style
 * BLOOM-176B fleets ({@link PaperFleets}), at loads {@code rho = lambda / nu_max} ({@code nu_max}: the
 * largest total service rate of any GBP-CR + GCA plan with every server placed), under three arrival
 * processes at the same mean rate:
 * <ul>
 *   <li>Poisson (the paper's assumption; exponential service);</li>
 *   <li>the Azure LLM code trace rate-scaled to lambda, replicated by rotating its start (token-driven
 *       service from the trace's own tokens, as {@code chainplan simulate} replays traces);</li>
 *   <li>a synthetic two-phase MMPP (bursts a quarter of the time at four times the mean rate, 30 s on
 *       average; exponential service).</li>
 * </ul>
 * The paper's method plans for Poisson at lambda (GBP-CR + GCA, lower-bound choice of c); chainplan plans
 * for the arrival model it fits ({@link Mmpp2Fit}) to what it measures of the same process (the index of
 * dispersion at 1, 10 and 60 s of the whole trace, or of a sample of the generated stream), which for
 * Poisson arrivals is Poisson and so the paper's plan. Both plans serve the same arrivals (common random
 * numbers); mean, p95 and p99 response time with 95% confidence intervals across replications.
 * <p>Deterministic for its settings; runs sequentially.
 */
public final class BurstyExperiment {
    private static final double SYNTHETIC_BURST_FRACTION = 0.25;
    private static final double SYNTHETIC_BURST_SECONDS = 30;
    private static final int FIT_SAMPLE = 50_000;

    private BurstyExperiment() {
    }

    /** An arrival process of the experiment. */
    public enum Source {
        /** Poisson arrivals. */
        POISSON("poisson"),
        /** The Azure trace, rate-scaled. */
        TRACE("azure-trace"),
        /** The synthetic MMPP. */
        MMPP("mmpp");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        /** @return the label used in tables */
        public String label() {
            return label;
        }
    }

    /**
     * Settings.
     *
     * @param servers    values of J
     * @param etas       values of eta
     * @param loads      values of rho in (0, 1)
     * @param sources    arrival processes
     * @param replications runs per cell and method, {@code >= 2}
     * @param requests   requests per Poisson / MMPP run (10% warm-up), {@code >= 100}
     * @param baseSeed   base of the fleet and simulation seeds
     */
    public record Settings(List<Integer> servers, List<Double> etas, List<Double> loads, List<Source> sources,
            int replications, long requests, long baseSeed) {
        /** Validates and copies. */
        public Settings {
            servers = List.copyOf(servers);
            etas = List.copyOf(etas);
            loads = List.copyOf(loads);
            sources = List.copyOf(sources);
            if (servers.isEmpty() || servers.stream().anyMatch(j -> j < 1)) {
                throw new IllegalArgumentException("--servers must be non-empty and each >= 1, was " + servers);
            }
            if (etas.isEmpty() || etas.stream().anyMatch(e -> !(e >= 0 && e <= 1))) {
                throw new IllegalArgumentException("--etas must be in [0, 1], was " + etas);
            }
            if (loads.isEmpty() || loads.stream().anyMatch(r -> !(r > 0 && r < 1))) {
                throw new IllegalArgumentException("--loads must be in (0, 1), was " + loads);
            }
            if (sources.isEmpty()) {
                throw new IllegalArgumentException("sources must not be empty");
            }
            if (replications < 2 || requests < 100) {
                throw new IllegalArgumentException("need --replications >= 2 and --requests >= 100, were " + replications
                        + " and " + requests);
            }
        }
    }

    /**
     * One method on one cell, over the replications.
     *
     * @param c         the plan's cache reservation
     * @param servers   servers the plan places blocks on
     * @param nu        the plan's total service rate, req/s
     * @param mean      mean response time, seconds
     * @param p95       95th percentile, seconds
     * @param p99       99th percentile, seconds
     */
    public record MethodRow(int c, int servers, double nu, ConfidenceInterval mean, ConfidenceInterval p95,
            ConfidenceInterval p99) {
    }

    /**
     * One cell: a fleet, a load and an arrival process.
     *
     * @param servers  J
     * @param eta      eta
     * @param load     rho
     * @param rate     lambda, req/s
     * @param source   the arrival process
     * @param fit      what chainplan fitted, one line
     * @param paper    the paper's method
     * @param chainplan chainplan
     */
    public record Cell(int servers, double eta, double load, double rate, Source source, String fit, MethodRow paper,
            MethodRow chainplan) {
        /** @return chainplan's reduction of the mean response time, {@code 1 - ours / paper's} */
        public double meanReduction() {
            return 1 - chainplan.mean().mean() / paper.mean().mean();
        }

        /** @return chainplan's reduction of the p99 */
        public double p99Reduction() {
            return 1 - chainplan.p99().mean() / paper.p99().mean();
        }
    }

    /**
     * The outcome.
     *
     * @param cells every cell, J, eta, load, source order
     */
    public record Result(List<Cell> cells) {
        /** Copies. */
        public Result {
            cells = List.copyOf(cells);
        }

        /** @return a markdown table, one row per cell */
        public String toMarkdown() {
            StringBuilder sb = new StringBuilder("| J | eta | load | lambda | arrivals | paper c / nu | paper mean (s) | paper p99 (s)"
                    + " | chainplan c / nu / servers | chainplan mean (s) | chainplan p99 (s) | mean | p99 |\n");
            sb.append("|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Cell c : cells) {
                sb.append(String.format(Locale.ROOT, "| %d | %.1f | %.2f | %.3f | %s | %d / %.2f | %s | %s | %d / %.2f / %d | %s | %s | %s | %s |%n",
                        c.servers(), c.eta(), c.load(), c.rate(), c.source().label(), c.paper().c(), c.paper().nu(),
                        ci(c.paper().mean()), ci(c.paper().p99()), c.chainplan().c(), c.chainplan().nu(),
                        c.chainplan().servers(), ci(c.chainplan().mean()), ci(c.chainplan().p99()), pct(c.meanReduction()),
                        pct(c.p99Reduction())));
            }
            sb.append("\nmean, p99: chainplan's reduction against the paper's method (positive: lower). Fits:\n\n");
            cells.stream().map(c -> "- J=" + c.servers() + " eta=" + c.eta() + " load " + c.load() + " " + c.source().label()
                    + ": " + c.fit()).distinct().forEach(l -> sb.append(l).append('\n'));
            return sb.toString();
        }

        /** @return CSV, one row per cell and method */
        public String toCsv() {
            StringBuilder sb = new StringBuilder("servers,eta,load,lambda,arrivals,method,c,nu,placed_servers,mean_s,mean_ci95_s,"
                    + "p95_s,p95_ci95_s,p99_s,p99_ci95_s\n");
            for (Cell c : cells) {
                row(sb, c, "paper", c.paper());
                row(sb, c, "chainplan", c.chainplan());
            }
            return sb.toString();
        }

        private static void row(StringBuilder sb, Cell c, String method, MethodRow m) {
            sb.append(String.format(Locale.ROOT, "%d,%.2f,%.2f,%.6f,%s,%s,%d,%.6f,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f%n",
                    c.servers(), c.eta(), c.load(), c.rate(), c.source().label(), method, m.c(), m.nu(), m.servers(),
                    m.mean().mean(), m.mean().halfWidth(), m.p95().mean(), m.p95().halfWidth(), m.p99().mean(),
                    m.p99().halfWidth()));
        }

        private static String ci(ConfidenceInterval x) {
            return String.format(Locale.ROOT, "%.2f ± %.2f", x.mean(), x.halfWidth());
        }

        private static String pct(double v) {
            return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.0f%%", 100 * v) : "n/a";
        }
    }

    /**
     * Runs every cell.
     *
     * @param settings   the settings
     * @param trace      the Azure trace (needed when {@link Source#TRACE} is a source)
     * @param rttSeconds RIPE Atlas RTT samples (empty: uniform 5-60 ms)
     * @param log        one line per cell
     * @return the result
     */
    public static Result run(Settings settings, Optional<RequestTrace> trace, List<Double> rttSeconds, Consumer<String> log) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(rttSeconds, "rttSeconds");
        if (settings.sources().contains(Source.TRACE) && trace.isEmpty()) {
            throw new IllegalArgumentException("the azure-trace source needs the trace file");
        }
        List<Cell> cells = new ArrayList<>();
        for (int j : settings.servers()) {
            for (double eta : settings.etas()) {
                long fleetSeed = PaperGridExperiment.fleetSeed(settings.baseSeed(), j, eta, 0);
                Fleet base = PaperFleets.generate(j, eta, rttSeconds, new SplittableRandom(fleetSeed));
                double nuMax = maxServiceRate(base);
                for (double load : settings.loads()) {
                    Fleet fleet = base.withArrivalRate(load * nuMax);
                    for (Source source : settings.sources()) {
                        Cell c = cell(settings, fleet, eta, load, source, trace, fleetSeed);
                        log.accept(String.format(Locale.ROOT, "J=%d eta=%.2f load %.2f %s: paper %.2f s, chainplan %.2f s (%+.0f%%)",
                                j, eta, load, source.label(), c.paper().mean().mean(), c.chainplan().mean().mean(),
                                100 * c.meanReduction()));
                        cells.add(c);
                    }
                }
            }
        }
        return new Result(cells);
    }

    /**
     * The largest total service rate of GBP-CR (every server placed) + GCA over all c: the fleet's capacity.
     *
     * @param fleet the fleet
     * @return nu_max, req/s
     */
    static double maxServiceRate(Fleet fleet) {
        GbpCrBlockPlacement every = new GbpCrBlockPlacement(GbpCrBlockPlacement.Extent.ALL_SERVERS);
        GcaCacheAllocation gca = new GcaCacheAllocation();
        double best = 0;
        for (int c = 1; c <= CapacitySearch.maxCacheReservation(fleet); c++) {
            PlacementResult r = every.place(fleet, c);
            if (r.feasible()) {
                best = Math.max(best, gca.allocate(fleet, r.placement()).totalServiceRatePerSecond());
            }
        }
        if (!(best > 0)) {
            throw new IllegalArgumentException("the fleet cannot host the model");
        }
        return best;
    }

    private static Cell cell(Settings s, Fleet fleet, double eta, double load, Source source, Optional<RequestTrace> trace,
            long fleetSeed) {
        double rate = fleet.arrivalRatePerSecond();
        ArrivalModel.Mmpp2 synthetic = synthetic(rate);
        RequestTrace scaled = source == Source.TRACE ? trace.orElseThrow().rescaledTo(rate) : null;
        Mmpp2Fit.Result fit = Mmpp2Fit.fit(measure(source, scaled, synthetic, rate, fleetSeed));
        CapacitySearch search = new CapacitySearch();
        Plan paper = search.solve(fleet);
        Plan ours = search.solve(fleet.withArrivals(fit.model()));
        ServiceModel service = source == Source.TRACE ? TokenServiceModel.paperDefaults(fleet) : new ExponentialServiceModel();
        MethodRow p = simulate(s, paper, source, scaled, synthetic, service, fleetSeed);
        MethodRow o = simulate(s, ours, source, scaled, synthetic, service, fleetSeed);
        return new Cell(fleet.servers().size(), eta, load, rate, source, fit.reason(), p, o);
    }

    /** Bursts a quarter of the time at four times the mean rate, 30 s long on average; none in between. */
    static ArrivalModel.Mmpp2 synthetic(double rate) {
        double ends = 1 / SYNTHETIC_BURST_SECONDS;
        double starts = ends * SYNTHETIC_BURST_FRACTION / (1 - SYNTHETIC_BURST_FRACTION);
        return new ArrivalModel.Mmpp2(rate / SYNTHETIC_BURST_FRACTION, 0, ends, starts);
    }

    private static Burstiness measure(Source source, RequestTrace scaled, ArrivalModel.Mmpp2 synthetic, double rate,
            long seed) {
        return switch (source) {
            case TRACE -> scaled.burstiness(rate);
            case POISSON -> Burstiness.ofArrivalTimes(sample(PoissonArrivals.atRate(rate), seed), rate,
                    Burstiness.WINDOWS_SECONDS);
            case MMPP -> Burstiness.ofArrivalTimes(sample(MmppArrivals.of(synthetic), seed), rate, Burstiness.WINDOWS_SECONDS);
        };
    }

    /** A sample of the stream, drawn with a seed the simulations do not use. */
    private static double[] sample(Arrivals arrivals, long seed) {
        Arrivals.ArrivalStream stream = arrivals.open(new SplittableRandom(seed ^ 0xf17L));
        double[] t = new double[FIT_SAMPLE];
        for (int i = 0; i < t.length && stream.advance(); i++) {
            t[i] = stream.timeSeconds();
        }
        return t;
    }

    private static MethodRow simulate(Settings s, Plan plan, Source source, RequestTrace scaled,
            ArrivalModel.Mmpp2 synthetic, ServiceModel service, long fleetSeed) {
        if (plan.status() == PlanStatus.INFEASIBLE) {
            throw new IllegalStateException("the fleet cannot host the model: " + plan.reason());
        }
        int n = s.replications();
        double[] mean = new double[n];
        double[] p95 = new double[n];
        double[] p99 = new double[n];
        PolicyRoutingModel routing = new PolicyRoutingModel(new JffcDispatchPolicy(), RoutingPlan.of(plan, 1));
        for (int i = 0; i < n; i++) {
            long seed = fleetSeed + 17 + i;
            SimulationResult r = switch (source) {
                case TRACE -> {
                    RequestTrace t = scaled.rotated((int) ((long) i * scaled.size() / n));
                    yield Simulator.run(new SimulationConfig(t.size(), 0, seed, SimulationConfig.DEFAULT_BATCHES),
                            new TraceArrivals(t), service, routing);
                }
                case POISSON -> Simulator.run(SimulationConfig.of(s.requests(), seed), PoissonArrivals.atRate(plan
                        .arrivalRatePerSecond()), service, routing);
                case MMPP -> Simulator.run(SimulationConfig.of(s.requests(), seed), MmppArrivals.of(synthetic), service,
                        routing);
            };
            mean[i] = r.responseTime().meanSeconds();
            p95[i] = r.responseTime().p95Seconds();
            p99[i] = r.responseTime().p99Seconds();
        }
        double c95 = ConfidenceInterval.CONFIDENCE_95;
        return new MethodRow(plan.c(), plan.placement().servers().size(), plan.totalServiceRatePerSecond(),
                ConfidenceInterval.ofMean(mean, c95), ConfidenceInterval.ofMean(p95, c95), ConfidenceInterval.ofMean(p99, c95));
    }
}
