package io.chainplan.cli;

import io.chainplan.optimizer.experiment.BurstyExperiment;
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
import org.knowm.xchart.XYChart;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chainplan experiment bursty}: the paper's method against chainplan's burst-aware planning
 * ({@link BurstyExperiment}) on paper-style BLOOM-176B fleets under Poisson arrivals, the Azure code trace
 * rate-scaled, and a synthetic MMPP. Writes {@code bursty.md}, {@code bursty.csv} and {@code bursty.png}
 * (mean response time against load, per arrival process and method).
 */
@Command(name = "bursty", mixinStandardHelpOptions = true,
        description = "The paper's method vs burst-aware planning under Poisson, the Azure trace and a synthetic MMPP.")
public final class BurstyCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--servers", split = ",", paramLabel = "J", description = "Values of J (default 20,40; quick: 20).")
    private List<Integer> servers;

    @Option(names = "--etas", split = ",", paramLabel = "X", description = "Fractions of 40 GB servers (default 0.1,0.3; quick: 0.1).")
    private List<Double> etas;

    @Option(names = "--loads", split = ",", paramLabel = "RHO",
            description = "Loads lambda / nu_max (default 0.3,0.5,0.7,0.85; quick: 0.3,0.7).")
    private List<Double> loads;

    @Option(names = "--replications", paramLabel = "N", description = "Runs per cell and method (default 10; quick: 2).")
    private Integer replications;

    @Option(names = "--requests", paramLabel = "N", description = "Requests per Poisson/MMPP run, 10%% warm-up (default 50000; quick: 2000).")
    private Long requests;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Base seed (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--trace", paramLabel = "PATH", defaultValue = "../shared/data/azure-llm-2023-code.csv",
            description = "Azure LLM trace (default ${DEFAULT-VALUE}); without it the trace rows are left out, with a note.")
    private Path trace;

    @Option(names = "--rtt-csv", paramLabel = "PATH", defaultValue = "../shared/data/ripe-atlas-eu-rtt.csv",
            description = "RIPE Atlas RTTs (default ${DEFAULT-VALUE}); uniform 5-60 ms if absent.")
    private Path rttCsv;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "results/bursty", description = "Output directory (default ${DEFAULT-VALUE}).")
    private Path out;

    @Option(names = "--quick", description = "One fleet, two loads, few replications (what the test suite runs).")
    private boolean quick;

    @CommandLine.Mixin

    private VerboseOption verbose;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<RequestTrace> t = Files.isRegularFile(trace) ? Optional.of(AzureTraceReader.read(trace)) : Optional.empty();
        List<BurstyExperiment.Source> sources = new ArrayList<>(List.of(BurstyExperiment.Source.values()));
        if (t.isEmpty()) {
            sources.remove(BurstyExperiment.Source.TRACE);
            err.println("chainplan experiment bursty: no trace at " + trace + " (see ../shared/data/README.md): the"
                    + " azure-trace rows are left out; pass --trace PATH");
        }
        BurstyExperiment.Settings settings = settings(sources);
        List<Double> rtt = CliSupport.rttSamples(rttCsv, spec);
        o.printf(Locale.ROOT, "# experiment bursty: BLOOM-176B paper-style fleets (%s); J %s, eta %s, loads %s of nu_max;"
                + " arrivals %s; %d replications (%d requests per Poisson/MMPP run, the whole trace rotated per trace run);"
                + " base seed %d%n", rtt.isEmpty() ? "RTT uniform 5-60 ms" : rtt.size() + " RTTs from " + rttCsv,
                settings.servers(), settings.etas(), settings.loads(), sources.stream().map(BurstyExperiment.Source::label).toList(),
                settings.replications(), settings.requests(), settings.baseSeed());
        o.flush();
        BurstyExperiment.Result r = BurstyExperiment.run(settings, t, rtt, line -> {
            err.println("  " + line);
            err.flush();
        });
        String md = r.toMarkdown();
        o.print(md);
        Files.createDirectories(out);
        Files.writeString(out.resolve("bursty.md"), md, StandardCharsets.UTF_8);
        Files.writeString(out.resolve("bursty.csv"), r.toCsv(), StandardCharsets.UTF_8);
        ExperimentPlots.save(chart(r), out.resolve("bursty.png"));
        o.println("# wrote " + out.resolve("bursty.md") + ", bursty.csv and bursty.png in " + out);
        o.flush();
        return 0;
    }

    private BurstyExperiment.Settings settings(List<BurstyExperiment.Source> sources) {
        List<Integer> j = servers != null ? servers : quick ? List.of(20) : List.of(20, 40);
        List<Double> e = etas != null ? etas : quick ? List.of(0.1) : List.of(0.1, 0.3);
        List<Double> l = loads != null ? loads : quick ? List.of(0.3, 0.7) : List.of(0.3, 0.5, 0.7, 0.85);
        int n = replications != null ? replications : quick ? 2 : 10;
        long req = requests != null ? requests : quick ? 2000 : 50_000;
        try {
            return new BurstyExperiment.Settings(j, e, l, sources, n, req, seed);
        } catch (IllegalArgumentException ex) {
            throw new UsageException(ex.getMessage());
        }
    }

    /** Mean response time (log) against load, one line per fleet, arrival process and method. */
    private static XYChart chart(BurstyExperiment.Result r) {
        XYChart chart = ExperimentPlots.chart("Mean response time: the paper's method vs burst-aware planning", "load (lambda / nu_max)",
                "mean response time (s, log)");
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        List<String> keys = r.cells().stream().map(c -> c.servers() + "/" + c.eta() + "/" + c.source().label()).distinct().toList();
        for (String key : keys) {
            List<BurstyExperiment.Cell> cells = r.cells().stream()
                    .filter(c -> (c.servers() + "/" + c.eta() + "/" + c.source().label()).equals(key)).toList();
            double[] x = cells.stream().mapToDouble(BurstyExperiment.Cell::load).toArray();
            String label = "J=" + key.replace("/", " eta=").replaceFirst(" eta=([^ ]+) eta=", " eta=$1 ");
            ExperimentPlots.line(chart, label + " paper", x, cells.stream().mapToDouble(c -> c.paper().mean().mean()).toArray());
            ExperimentPlots.line(chart, label + " chainplan", x, cells.stream().mapToDouble(c -> c.chainplan().mean().mean()).toArray());
        }
        return chart;
    }
}
