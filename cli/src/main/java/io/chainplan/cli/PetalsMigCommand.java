package io.chainplan.cli;

import io.chainplan.optimizer.baseline.CachePool;
import io.chainplan.optimizer.experiment.PetalsMigExperiment;
import io.chainplan.optimizer.experiment.ServingMethods;
import io.chainplan.optimizer.sim.RequestTrace;
import io.chainplan.optimizer.trace.AzureTraceReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chainplan experiment petals-mig}: the paper's PETALS deployment replayed on the simulator
 * (DESIGN.md §1.3): LLaMA-2-7B on 3 x 40 GB + 6 x 20 GB MIG slices, the first 1000 requests of the Azure
 * 2023 code trace at their own timestamps, token-driven service; PETALS, BPRR, whole model + JFFC and
 * chainplan with the paper's numbers beside. Writes {@code petals-mig.md} and {@code petals-mig.csv}.
 */
@Command(name = "petals-mig", mixinStandardHelpOptions = true,
        description = "PETALS vs BPRR vs whole-model JFFC vs chainplan on LLaMA-2-7B / MIG slices, Azure trace replay.")
public final class PetalsMigCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--trace", paramLabel = "PATH", defaultValue = "../shared/data/azure-llm-2023-code.csv",
            description = "Azure LLM trace CSV (default ${DEFAULT-VALUE}).")
    private Path trace;

    @Option(names = "--requests", paramLabel = "N", description = "Requests replayed from the start (default 1000; quick: 150).")
    private Integer requests;

    @Option(names = "--rtt-csv", paramLabel = "PATH", defaultValue = "../shared/data/ripe-atlas-eu-rtt.csv",
            description = "RIPE Atlas RTTs (default ${DEFAULT-VALUE}); uniform 5-60 ms if absent.")
    private Path rttCsv;

    @Option(names = "--rtt-seed", paramLabel = "S", defaultValue = "1", description = "Seed of the per-server RTT draw (default ${DEFAULT-VALUE}).")
    private long rttSeed;

    @Option(names = "--a100-tflops", paramLabel = "F", defaultValue = "120",
            description = "Effective TFLOPS of a whole A100; 3g = 3/7, 2g = 2/7 of it (default ${DEFAULT-VALUE}).")
    private double a100Tflops;

    @Option(names = "--hop-overhead-ms", paramLabel = "MS", defaultValue = "18",
            description = "Per-token per-hop overhead added to the round trip, ms (default ${DEFAULT-VALUE}).")
    private double hopOverheadMs;

    @Option(names = "--pass-overhead-ms", paramLabel = "MS", defaultValue = "0",
            description = "Software overhead per block per forward pass, ms; 0 = the paper's formula (default ${DEFAULT-VALUE}).")
    private double passOverheadMs;

    @Option(names = "--baseline-pool", paramLabel = "P", defaultValue = "reserved",
            description = "Cache pool of PETALS/BPRR servers: reserved or all-free-memory (default ${DEFAULT-VALUE}).")
    private String pool;

    @Option(names = "--petals-penalty", paramLabel = "S", defaultValue = "10",
            description = "PETALS routing penalty for a server believed to lack cache, s (default ${DEFAULT-VALUE}).")
    private double penalty;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "results/petals-mig", description = "Output directory (default ${DEFAULT-VALUE}).")
    private Path out;

    @Option(names = "--quick", description = "Few requests (what the test suite runs).")
    private boolean quick;

    @CommandLine.Mixin

    private VerboseOption verbose;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(trace)) {
            throw new UsageException("trace file " + trace + " not found (see ../shared/data/README.md); pass --trace PATH");
        }
        int n = requests != null ? requests : quick ? 150 : 1000;
        PetalsMigExperiment.Settings settings;
        try {
            CachePool p = CachePool.valueOf(pool.toUpperCase(Locale.ROOT).replace('-', '_'));
            settings = new PetalsMigExperiment.Settings(n, a100Tflops, hopOverheadMs / 1000, passOverheadMs / 1000, rttSeed, 1,
                    new ServingMethods.Settings(p, penalty, 1));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        RequestTrace t = AzureTraceReader.read(trace, n);
        List<Double> rtt = CliSupport.rttSamples(rttCsv, spec);
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        o.printf(Locale.ROOT, "# experiment petals-mig: LLaMA-2-7B (L=32, s_m=0.4375 GB, s_c=0.0336 GB), 3 x 3g.40gb + 6 x 2g.20gb;"
                + " first %d requests of %s (%.3f req/s) at their own timestamps; token-driven service: A100 %.0f TFLOPS"
                + " (3g 3/7, 2g 2/7), 1.02 / 0.51 GB/ms, t_o 1 ms, pass overhead %.1f ms, per token and hop RTT (%s,"
                + " seed %d) + %.0f ms; baseline pool %s, PETALS penalty %.1f s%n", t.size(), trace, t.meanRatePerSecond(),
                a100Tflops, passOverheadMs, rtt.isEmpty() ? "uniform 5-60 ms" : "RIPE Atlas " + rttCsv, rttSeed, hopOverheadMs,
                settings.methods().pool().cliName(), penalty);
        o.flush();
        PetalsMigExperiment.Result r = PetalsMigExperiment.run(t, rtt, settings, line -> {
            err.println("  " + line);
            err.flush();
        });
        StringBuilder md = new StringBuilder();
        r.fleet().servers().forEach(s -> md.append(String.format(Locale.ROOT, "- %s: M=%.0f GB, tau_c=%.3f s, tau_p=%.4f s"
                + " (mean request)%n", s.id(), s.memoryBytes() / 1e9, s.commSeconds(), s.perBlockComputeSeconds())));
        r.rows().forEach(row -> md.append(String.format(Locale.ROOT, "- %s: %s%n", row.method(), row.detail())));
        md.append(System.lineSeparator()).append(r.toMarkdown());
        o.print(md);
        Files.createDirectories(out);
        Files.writeString(out.resolve("petals-mig.md"), md.toString(), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("petals-mig.csv"), r.toCsv(), StandardCharsets.UTF_8);
        o.println("# wrote " + out.resolve("petals-mig.md") + " and " + out.resolve("petals-mig.csv"));
        o.flush();
        return 0;
    }
}
