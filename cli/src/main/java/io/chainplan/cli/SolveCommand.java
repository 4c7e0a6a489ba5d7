package io.chainplan.cli;

import io.chainplan.cli.format.FleetFileException;
import io.chainplan.cli.format.FleetFiles;
import io.chainplan.cli.format.PlanFiles;
import io.chainplan.optimizer.allocation.DijkstraGcaCacheAllocation;
import io.chainplan.optimizer.arrival.ArrivalModel;
import io.chainplan.optimizer.arrival.Mmpp2Fit;
import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.optimizer.model.Objective;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.model.ServerPlacement;
import io.chainplan.optimizer.trace.AzureTraceReader;
import io.chainplan.optimizer.tuning.CapacitySearch;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.jgrapht.Graph;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.nio.Attribute;
import org.jgrapht.nio.DefaultAttribute;
import org.jgrapht.nio.dot.DOTExporter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chainplan solve}: reads a fleet file (DESIGN.md §4.1), runs the search over c
 * (GBP-CR + GCA + Theorem 4 bounds) and writes the plan as a table, a plan file (§4.2) or the hop
 * graph in Graphviz DOT with the chains marked. Exit 0 on OK, 0 with a warning on UNSTABLE,
 * 1 on INFEASIBLE, 2 on a bad fleet file or option.
 */
@Command(name = "solve", mixinStandardHelpOptions = true,
        description = "Place blocks and allocate cache for a fleet file; print or write the plan.")
public final class SolveCommand implements Callable<Integer> {
    /** Output formats. */
    enum Format { table, json, dot }

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--fleet", required = true, paramLabel = "FILE", description = "Fleet file (DESIGN.md 4.1).")
    private Path fleetFile;

    @Option(names = "--c", paramLabel = "N", description = "Use this cache reservation c instead of searching.")
    private Integer fixedC;

    @Option(names = "--objective", paramLabel = "NAME", defaultValue = "lower-bound",
            description = "Score of the search over c: lower-bound (default), upper-bound or surrogate.")
    private String objective;

    @Option(names = "--target-load", paramLabel = "X", description = "Override the fleet's target load rho_bar, in (0, 1).")
    private Double targetLoad;

    @Option(names = "--arrivals", paramLabel = "SPEC",
            description = "poisson, or trace:PATH to fit the burst process of an Azure-format trace replayed at the"
                    + " fleet's rate (default: the fleet file's arrivals object, else poisson).")
    private String arrivals;

    @Option(names = "--rate", paramLabel = "R", description = "Arrival rate lambda, req/s (default: the fleet file's arrivalRate).")
    private Double rate;

    @Option(names = "--method", paramLabel = "M", defaultValue = "chainplan",
            description = "chainplan (plan for the arrival process, burst-aware; the paper's plan under Poisson) or paper"
                    + " (GBP-CR + GCA + the bound's choice of c under Poisson at the same rate) (default ${DEFAULT-VALUE}).")
    private String method;

    @Option(names = "--format", paramLabel = "FMT",
            description = "Output: ${COMPLETION-CANDIDATES} (default: from the --out extension .json or .dot, else table;"
                    + " formats: docs/file-formats.md).")
    private Format format;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Write the output here instead of stdout; FILE.json is the plan file, FILE.dot the graph.")
    private Path out;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for the search (default: available processors).")
    private Integer threads;

    @CommandLine.Mixin

    private VerboseOption verbose;

    @Override
    public Integer call() throws IOException {
        effectiveFormat(); // a --format that contradicts --out fails before the solve
        Fleet fleet = readFleet();
        Objective o = parseObjective();
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be >= 1, was " + n);
        }
        if (fixedC != null && fixedC < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--c must be >= 1, was " + fixedC);
        }
        CapacitySearch search = new CapacitySearch(o, n);
        long t0 = System.nanoTime();
        Plan plan = fixedC == null ? search.solve(fleet) : search.solve(fleet, fixedC);
        plan = plan.withSolverMillis((System.nanoTime() - t0) / 1e6);
        emit(render(fleet, plan));
        return report(plan);
    }

    private Fleet readFleet() throws IOException {
        Fleet fleet;
        try {
            fleet = FleetFiles.read(fleetFile);
        } catch (FleetFileException e) {
            throw new UsageException(e.getMessage());
        }
        if (targetLoad != null) {
            if (!(targetLoad > 0 && targetLoad < 1)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--target-load must be in (0, 1), was " + targetLoad);
            }
            fleet = fleet.withTargetLoad(targetLoad);
        }
        if (rate != null) {
            if (!(rate >= 0 && Double.isFinite(rate))) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--rate must be a finite number >= 0, was " + rate);
            }
            fleet = fleet.withArrivalRate(rate);
        }
        fleet = withArrivals(fleet);
        return switch (method) {
            case "chainplan" -> fleet;
            case "paper" -> fleet.withArrivals(new ArrivalModel.Poisson(fleet.arrivalRatePerSecond()));
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "--method must be chainplan or paper, was " + method);
        };
    }

    private Fleet withArrivals(Fleet fleet) {
        if (arrivals == null) {
            return fleet;
        }
        if (arrivals.equals("poisson")) {
            return fleet.withArrivals(new ArrivalModel.Poisson(fleet.arrivalRatePerSecond()));
        }
        if (!arrivals.startsWith("trace:")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--arrivals must be poisson or trace:PATH, was " + arrivals);
        }
        Path path = Path.of(arrivals.substring("trace:".length()));
        if (!Files.isRegularFile(path)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--arrivals trace: no such file " + path);
        }
        if (!(fleet.arrivalRatePerSecond() > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--arrivals trace: needs an arrival rate > 0 (the fleet's arrivalRate or --rate)");
        }
        try {
            Mmpp2Fit.Result fit = Mmpp2Fit.fit(AzureTraceReader.read(path).burstiness(fleet.arrivalRatePerSecond()));
            spec.commandLine().getErr().println("chainplan solve: arrivals from " + path + ": " + fit.reason());
            return fleet.withArrivals(fit.model());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--arrivals " + e.getMessage());
        }
    }

    private Objective parseObjective() {
        try {
            return Objective.fromCliName(objective);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--objective " + e.getMessage());
        }
    }

    private int report(Plan plan) {
        PrintWriter err = spec.commandLine().getErr();
        if (plan.status() == PlanStatus.UNSTABLE) {
            err.println("chainplan solve: warning: UNSTABLE: " + plan.reason());
        } else if (plan.status() == PlanStatus.INFEASIBLE) {
            err.println("chainplan solve: INFEASIBLE: " + plan.reason());
            return 1;
        }
        return 0;
    }

    /**
     * The output format: {@code --format}, else the one {@code --out}'s extension names ({@code .json},
     * {@code .dot}), else table. A {@code --format} that contradicts the extension is a usage error, so
     * that {@code --out plan.json} never holds a table.
     */
    Format effectiveFormat() {
        Optional<Format> byName = out == null ? Optional.empty() : formatOf(out);
        if (format == null) {
            return byName.orElse(Format.table);
        }
        if (byName.isPresent() && byName.get() != format) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format " + format + " does not match --out "
                    + out + " (a ." + byName.get() + " file); drop --format or give --format " + byName.get());
        }
        return format;
    }

    private static Optional<Format> formatOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            return Optional.of(Format.json);
        }
        return name.endsWith(".dot") || name.endsWith(".gv") ? Optional.of(Format.dot) : Optional.empty();
    }

    private String render(Fleet fleet, Plan plan) {
        return switch (effectiveFormat()) {
            case json -> PlanFiles.toJson(plan);
            case dot -> dot(fleet, plan);
            case table -> table(plan);
        };
    }

    private void emit(String text) throws IOException {
        if (out == null) {
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
        } else {
            Path dir = out.toAbsolutePath().getParent();
            if (dir != null && !Files.isDirectory(dir)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--out " + out + ": directory " + dir
                        + " does not exist");
            }
            try {
                Files.writeString(out, text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IOException("cannot write --out " + out + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * A readable summary: status, c, bounds and solve time, then per server its blocks and slots,
     * then per chain its capacity, service time and hops.
     *
     * @param plan the plan
     * @return the table
     */
    static String table(Plan plan) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "model %s  status %s  c %d  objective %s%n", plan.modelId(), plan.status(),
                plan.c(), plan.solver().objective().cliName()));
        plan.reasonText().ifPresent(r -> sb.append("reason: ").append(r).append(System.lineSeparator()));
        sb.append(String.format(Locale.ROOT, "arrival rate %.6g req/s  total service rate %.6g req/s  total capacity %d%n",
                plan.arrivalRatePerSecond(), plan.totalServiceRatePerSecond(), plan.totalCapacity()));
        sb.append("arrivals ").append(describe(plan.arrivals())).append(System.lineSeparator());
        String theorem = plan.arrivals() instanceof ArrivalModel.Poisson ? "Theorem 4" : "Theorem 4 under the burst process";
        sb.append(plan.finiteBounds().map(b -> String.format(Locale.ROOT,
                "mean response time bounds (%s): %.4f s .. %.4f s%n", theorem, b.lowerSeconds(), b.upperSeconds()))
                .orElse("mean response time bounds: none (not stable)" + System.lineSeparator()));
        sb.append(String.format(Locale.ROOT, "solve time %.1f ms  c candidates %d  distinct placements %d%n%n",
                plan.solver().millis(), plan.solver().candidatesTried(), plan.solver().placementsEvaluated()));
        sb.append(String.format(Locale.ROOT, "%-12s %-12s %10s%n", "server", "blocks", "cacheSlots"));
        for (ServerPlacement sp : plan.placement().servers()) {
            sb.append(String.format(Locale.ROOT, "%-12s %-12s %10d%n", sp.serverId(), sp.range(), sp.cacheSlots()));
        }
        sb.append(System.lineSeparator());
        sb.append(String.format(Locale.ROOT, "%-6s %8s %12s  %s%n", "chain", "capacity", "service s", "hops"));
        for (int k = 0; k < plan.chains().size(); k++) {
            Chain ch = plan.chains().get(k);
            String hops = ch.hops().stream().map(h -> h.serverId() + h.range()).collect(Collectors.joining(" -> "));
            sb.append(String.format(Locale.ROOT, "%-6d %8d %12.4f  %s%n", k + 1, ch.capacity(), ch.serviceSeconds(), hops));
        }
        return sb.toString();
    }

    /**
     * @param m an arrival process
     * @return one phrase: {@code poisson}, or the bursts of an MMPP
     */
    static String describe(ArrivalModel m) {
        if (m instanceof ArrivalModel.Mmpp2 b) {
            return String.format(Locale.ROOT, "mmpp2: bursts %.1f%% of the time at %.4g req/s (between bursts %.4g req/s),"
                    + " mean burst %.3g s", 100 * b.burstFraction(), b.burstRatePerSecond(), b.calmRatePerSecond(),
                    1 / b.burstEndsPerSecond());
        }
        return "poisson";
    }

    /**
     * The hop DAG of the plan's placement (DESIGN.md §1.2 GCA step 1) in DOT, through JGraphT's
     * {@link DOTExporter}; edges used by chains are drawn bold red and labelled with the chain numbers.
     *
     * @param fleet the fleet
     * @param plan the plan
     * @return DOT text
     */
    static String dot(Fleet fleet, Plan plan) {
        Graph<Integer, DefaultWeightedEdge> g = DijkstraGcaCacheAllocation.buildGraph(fleet, plan.placement());
        List<ServerPlacement> servers = plan.placement().servers();
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < servers.size(); i++) {
            index.put(servers.get(i).serverId(), i);
        }
        int source = servers.size();
        int sink = servers.size() + 1;
        Map<DefaultWeightedEdge, List<Integer>> used = chainEdges(g, plan, index, source, sink);
        DOTExporter<Integer, DefaultWeightedEdge> exporter = new DOTExporter<>(v -> "v" + v);
        exporter.setGraphIdProvider(() -> "\"" + plan.modelId() + "\"");
        exporter.setVertexAttributeProvider(v -> vertexAttributes(v, servers, source, sink));
        exporter.setEdgeAttributeProvider(e -> edgeAttributes(g, e, used.get(e)));
        Writer w = new StringWriter();
        exporter.exportGraph(g, w);
        return w.toString();
    }

    private static Map<DefaultWeightedEdge, List<Integer>> chainEdges(Graph<Integer, DefaultWeightedEdge> g, Plan plan,
            Map<String, Integer> index, int source, int sink) {
        Map<DefaultWeightedEdge, List<Integer>> used = new LinkedHashMap<>();
        for (int k = 0; k < plan.chains().size(); k++) {
            int prev = source;
            List<Hop> hops = plan.chains().get(k).hops();
            for (int i = 0; i <= hops.size(); i++) {
                int next = i < hops.size() ? index.get(hops.get(i).serverId()) : sink;
                DefaultWeightedEdge e = g.getEdge(prev, next);
                if (e != null) {
                    used.computeIfAbsent(e, x -> new ArrayList<>()).add(k + 1);
                }
                prev = next;
            }
        }
        return used;
    }

    private static Map<String, Attribute> vertexAttributes(int v, List<ServerPlacement> servers, int source, int sink) {
        Map<String, Attribute> a = new TreeMap<>();
        if (v == source || v == sink) {
            a.put("label", DefaultAttribute.createAttribute(v == source ? "source" : "sink"));
            a.put("shape", DefaultAttribute.createAttribute("point"));
        } else {
            ServerPlacement sp = servers.get(v);
            a.put("label", DefaultAttribute.createAttribute(sp.serverId() + "\n" + sp.range() + "\nslots " + sp.cacheSlots()));
            a.put("shape", DefaultAttribute.createAttribute("box"));
        }
        return a;
    }

    private static Map<String, Attribute> edgeAttributes(Graph<Integer, DefaultWeightedEdge> g, DefaultWeightedEdge e,
            List<Integer> chains) {
        Map<String, Attribute> a = new TreeMap<>();
        String weight = String.format(Locale.ROOT, "%.3f s", g.getEdgeWeight(e));
        if (chains == null) {
            a.put("label", DefaultAttribute.createAttribute(weight));
            a.put("color", DefaultAttribute.createAttribute("gray"));
        } else {
            String names = chains.stream().map(Object::toString).collect(Collectors.joining(","));
            a.put("label", DefaultAttribute.createAttribute(weight + " [chain " + names + "]"));
            a.put("color", DefaultAttribute.createAttribute("red"));
            a.put("penwidth", DefaultAttribute.createAttribute(2));
        }
        return a;
    }
}
