package io.chainplan.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.chainplan.cli.format.FleetFileException;
import io.chainplan.cli.format.FleetFiles;
import io.chainplan.cli.format.PlanFiles;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.sim.Arrivals;
import io.chainplan.optimizer.sim.ExponentialServiceModel;
import io.chainplan.optimizer.sim.LatencySummary;
import io.chainplan.optimizer.sim.PoissonArrivals;
import io.chainplan.optimizer.sim.PolicyRoutingModel;
import io.chainplan.optimizer.sim.ProgressListener;
import io.chainplan.optimizer.sim.RequestTrace;
import io.chainplan.optimizer.sim.ServiceModel;
import io.chainplan.optimizer.sim.SimulationConfig;
import io.chainplan.optimizer.sim.SimulationResult;
import io.chainplan.optimizer.sim.Simulator;
import io.chainplan.optimizer.sim.TokenServiceModel;
import io.chainplan.optimizer.sim.TraceArrivals;
import io.chainplan.optimizer.trace.AzureTraceReader;
import io.chainplan.optimizer.tuning.CapacitySearch;
import io.chainplan.optimizer.validate.PlanValidator;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.router.policy.DispatchPolicies;
import io.chainplan.router.policy.DispatchPolicy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chainplan simulate}: simulates dispatch over a plan's chains (DESIGN.md §1.2, §1.3) with the
 * router library's policies, Poisson arrivals or an Azure trace replay, exponential or token-driven
 * service, and prints response, waiting and service time statistics and per-chain utilisation. Without
 * {@code --plan} the fleet is solved first ({@link CapacitySearch}, lower-bound objective).
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Simulate request dispatch over the chains of a plan and print latency statistics.")
public final class SimulateCommand implements Callable<Integer> {
    /** Output formats. */
    enum Format { table, json }

    /** Service-time models. */
    enum Service { exponential, tokens }

    private static final long PROGRESS_MIN_REQUESTS = 200_000;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--fleet", required = true, paramLabel = "FILE", description = "Fleet file (DESIGN.md 4.1).")
    private Path fleetFile;

    @Option(names = "--plan", paramLabel = "FILE", description = "Plan file (DESIGN.md 4.2); default: solve the fleet.")
    private Path planFile;

    @Option(names = "--policy", paramLabel = "NAME", defaultValue = "jffc",
            description = "Dispatch policy: jffc, jsq, jiq, sed or sa-jsq (default ${DEFAULT-VALUE}).")
    private String policy;

    @Option(names = "--arrivals", paramLabel = "SPEC", defaultValue = "poisson",
            description = "poisson (at --rate or the fleet's arrival rate) or trace:PATH (Azure CSV; default ${DEFAULT-VALUE}).")
    private String arrivals;

    @Option(names = "--rate", paramLabel = "R", description = "Arrival rate (req/s): Poisson rate, or a trace's rescaled mean rate.")
    private Double rate;

    @Option(names = "--requests", paramLabel = "N", defaultValue = "100000",
            description = "Requests to simulate; for a trace, its first N (default ${DEFAULT-VALUE}).")
    private long requests;

    @Option(names = "--warmup", paramLabel = "N", description = "Requests left out of the statistics (default: 10%% for Poisson, 0 for a trace).")
    private Long warmup;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--service", paramLabel = "MODEL",
            description = "exponential (mean T_k) or tokens (per-request from tokens; default for traces).")
    private Service service;

    @Option(names = "--format", paramLabel = "FMT", defaultValue = "table", description = "table or json (default ${DEFAULT-VALUE}).")
    private Format format;

    @Option(names = "--no-progress", description = "Do not draw the progress bar on stderr.")
    private boolean noProgress;

    @CommandLine.Mixin

    private VerboseOption verbose;

    @Override
    public Integer call() throws IOException {
        if (requests < 1 || requests > Integer.MAX_VALUE) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--requests must be in [1, " + Integer.MAX_VALUE + "], was " + requests);
        }
        DispatchPolicy p = parsePolicy();
        Fleet fleet = readFleet();
        Plan plan = planFile == null ? new CapacitySearch().solve(fleet) : readPlan(fleet);
        if (plan.status() == PlanStatus.INFEASIBLE || plan.chains().isEmpty()) {
            throw new IllegalStateException("plan has no chains (" + plan.status() + "): " + plan.reason());
        }
        if (plan.status() == PlanStatus.UNSTABLE) {
            spec.commandLine().getErr().println("chainplan simulate: warning: plan is UNSTABLE: " + plan.reason());
        }
        boolean trace = arrivals.startsWith("trace:");
        Arrivals source = trace ? traceArrivals() : poissonArrivals(fleet);
        Service s = service != null ? service : trace ? Service.tokens : Service.exponential;
        ServiceModel serviceModel = s == Service.tokens ? TokenServiceModel.paperDefaults(fleet)
                : new ExponentialServiceModel();
        PolicyRoutingModel model = new PolicyRoutingModel(p, RoutingPlan.of(plan, 1));
        long n = Math.min(requests, source.size());
        long w = warmup != null ? warmup : trace ? 0 : n / 10;
        if (w < 0 || w >= n) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--warmup must be in [0, " + n + "), was " + w);
        }
        SimulationConfig config = new SimulationConfig(n, w, seed, SimulationConfig.DEFAULT_BATCHES);
        ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), !noProgress && n >= PROGRESS_MIN_REQUESTS);
        SimulationResult result = Simulator.run(config, source, serviceModel, model, bar);
        bar.finish();
        PrintWriter out = spec.commandLine().getOut();
        out.print(format == Format.json ? json(plan, result) : table(plan, result));
        out.flush();
        return 0;
    }

    private DispatchPolicy parsePolicy() {
        try {
            return DispatchPolicies.byName(policy);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--" + e.getMessage());
        }
    }

    private Fleet readFleet() throws IOException {
        try {
            return FleetFiles.read(fleetFile);
        } catch (FleetFileException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The plan file, which must be a plan of this fleet (its servers, blocks, memory and timings). */
    private Plan readPlan(Fleet fleet) throws IOException {
        Plan plan;
        try {
            plan = PlanFiles.read(planFile);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--plan " + e.getMessage());
        }
        List<String> problems = PlanValidator.violations(fleet, plan);
        if (!problems.isEmpty()) {
            throw new UsageException("--plan " + planFile + " is not a plan of --fleet " + fleetFile + ": "
                    + String.join("; ", problems.subList(0, Math.min(3, problems.size())))
                    + (problems.size() > 3 ? "; and " + (problems.size() - 3) + " more" : ""));
        }
        return plan;
    }

    private Arrivals poissonArrivals(Fleet fleet) {
        if (!"poisson".equals(arrivals)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--arrivals must be poisson or trace:PATH, was " + arrivals);
        }
        double r = rate != null ? rate : fleet.arrivalRatePerSecond();
        if (!(r > 0) || Double.isInfinite(r)) {
            throw new UsageException("arrival rate must be > 0 (use --rate), was " + r);
        }
        return PoissonArrivals.atRate(r);
    }

    private Arrivals traceArrivals() {
        Path path = Path.of(arrivals.substring("trace:".length()));
        if (!Files.isRegularFile(path)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--arrivals trace: no such file " + path);
        }
        if (requests < 1 || requests > Integer.MAX_VALUE) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--requests must be in [1, " + Integer.MAX_VALUE + "], was " + requests);
        }
        RequestTrace t = AzureTraceReader.read(path, (int) requests);
        if (rate != null) {
            t = t.rescaledTo(rate);
        }
        return new TraceArrivals(t);
    }

    static String table(Plan plan, SimulationResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "policy %s  arrivals %s  service %s  seed %d%n", r.routing(), r.arrivals(),
                r.serviceModel(), r.seed()));
        sb.append(String.format(Locale.ROOT, "plan: c %d  chains %d  total capacity %d  total service rate %.6g req/s%s%n",
                plan.c(), plan.chains().size(), plan.totalCapacity(), plan.totalServiceRatePerSecond(),
                plan.finiteBounds().map(b -> String.format(Locale.ROOT, "  bounds at its lambda %.6g: %.4f .. %.4f s",
                        plan.arrivalRatePerSecond(), b.lowerSeconds(), b.upperSeconds())).orElse("")));
        sb.append(String.format(Locale.ROOT, "requests %d simulated, %d measured over %.1f s (%.4g req/s)%n%n",
                r.simulatedRequests(), r.measuredRequests(), r.durationSeconds(), r.throughputPerSecond()));
        sb.append(String.format(Locale.ROOT, "%-10s %11s %11s %11s %11s %11s%n", "seconds", "mean", "median", "p95", "p99", "max"));
        row(sb, "response", r.responseTime());
        row(sb, "waiting", r.waitingTime());
        row(sb, "service", r.serviceTime());
        sb.append(String.format(Locale.ROOT, "mean response 95%% CI: +/- %.4f s (batch means)%n%n", r.responseMeanCi95()));
        sb.append(String.format(Locale.ROOT, "%-10s %8s %12s %12s%n", "chain", "capacity", "service s", "utilisation"));
        for (int k = 0; k < r.routeLabels().size(); k++) {
            sb.append(String.format(Locale.ROOT, "%-10d %8d %12.4f %12.3f%n", k + 1, plan.chains().get(k).capacity(),
                    plan.chains().get(k).serviceSeconds(), r.routeUtilisation().get(k)));
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, LatencySummary s) {
        sb.append(String.format(Locale.ROOT, "%-10s %11.4f %11.4f %11.4f %11.4f %11.4f%n", name, s.meanSeconds(),
                s.medianSeconds(), s.p95Seconds(), s.p99Seconds(), s.maxSeconds()));
    }

    static String json(Plan plan, SimulationResult r) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("policy", r.routing());
        m.put("arrivals", r.arrivals());
        m.put("service", r.serviceModel());
        m.put("seed", r.seed());
        m.put("c", plan.c());
        m.put("chains", plan.chains().size());
        m.put("simulatedRequests", r.simulatedRequests());
        m.put("measuredRequests", r.measuredRequests());
        m.put("durationSeconds", r.durationSeconds());
        m.put("responseTime", r.responseTime());
        m.put("waitingTime", r.waitingTime());
        m.put("serviceTime", r.serviceTime());
        m.put("responseMeanCi95Seconds", r.responseMeanCi95());
        m.put("chainUtilisation", List.copyOf(r.routeUtilisation()));
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m) + System.lineSeparator();
    }

    /** A text progress bar on stderr, redrawn when the percentage changes. */
    static final class ProgressBar implements ProgressListener {
        private static final int WIDTH = 40;
        private final PrintWriter err;
        private final boolean enabled;
        private int lastPercent = -1;

        ProgressBar(PrintWriter err, boolean enabled) {
            this.err = err;
            this.enabled = enabled;
        }

        @Override
        public void onProgress(long completed, long total) {
            if (!enabled || total <= 0) {
                return;
            }
            int percent = (int) Math.min(100, completed * 100 / total);
            if (percent == lastPercent) {
                return;
            }
            lastPercent = percent;
            int filled = percent * WIDTH / 100;
            err.print("\r[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + percent + "% " + completed + "/" + total);
            err.flush();
        }

        void finish() {
            if (enabled && lastPercent >= 0) {
                err.println();
                err.flush();
            }
        }
    }
}
