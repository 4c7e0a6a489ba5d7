package io.chainplan.cli;

import io.chainplan.bench.DispatchBenchmark;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chainplan bench dispatch}: acquire + release round trips of the dispatch service over HTTP on
 * localhost, with every lease recorded on an in-process broker before it is answered, beside the
 * embedded {@code Dispatcher} in the same run ({@link DispatchBenchmark}). Goal: p99 under 10 ms at
 * 1,000 leases/s. Run it alone on the machine: other builds on the 2 cores show in the tail.
 */
@Command(name = "dispatch", mixinStandardHelpOptions = true,
        description = "Dispatch-service acquire+release over HTTP (leases on the in-process broker) vs the embedded Dispatcher.")
final class BenchDispatchCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--rate", defaultValue = "1000", description = "Open-loop rate, leases/s (default ${DEFAULT-VALUE}).")
    private double rate;

    @Option(names = "--leases", defaultValue = "20000", description = "Measured open-loop leases (default ${DEFAULT-VALUE}).")
    private int leases;

    @Option(names = "--warmup", defaultValue = "10000", description = "Least open-loop warm-up leases of each path; then 5 s rounds until the JIT compiles less than 5%% of a round, at most 3 min (default ${DEFAULT-VALUE}).")
    private int warmup;

    @Option(names = "--threads", defaultValue = "16", description = "Client threads of the closed loop (the open loop has 64; default ${DEFAULT-VALUE}).")
    private int threads;

    @Option(names = "--throughput-seconds", defaultValue = "10", description = "Length of the closed loop, s (default ${DEFAULT-VALUE}).")
    private int throughputSeconds;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    private boolean verbose;

    @Override
    public Integer call() throws Exception {
        DispatchBenchmark.Settings s;
        try {
            s = new DispatchBenchmark.Settings(rate, leases, warmup, threads, Duration.ofSeconds(throughputSeconds));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        List<DispatchBenchmark.Row> rows = DispatchBenchmark.run(s, line -> {
            err.println("  " + line);
            err.flush();
        });
        report(spec.commandLine().getOut(), rows, rate);
        return 0;
    }

    static void report(PrintWriter out, List<DispatchBenchmark.Row> rows, double rate) {
        out.printf(Locale.ROOT, "%-24s %-26s %8s %8s %8s %8s %8s %10s%n", "path", "load", "leases", "p50 ms", "p99 ms",
                "p99.9 ms", "max ms", "leases/s");
        for (DispatchBenchmark.Row r : rows) {
            out.printf(Locale.ROOT, "%-24s %-26s %8d %8.2f %8.2f %8.2f %8.1f %10.0f%n", r.path(), r.load(), r.leases(),
                    r.p50Millis(), r.p99Millis(), r.p999Millis(), r.maxMillis(), r.leasesPerSecond());
        }
        DispatchBenchmark.Row service = rows.get(0);
        out.printf(Locale.ROOT, "goal: service p99 < 10 ms at %.0f leases/s: %s (p99 %.2f ms, %.0f leases/s achieved)%n",
                rate, service.p99Millis() < 10 && service.leasesPerSecond() >= 0.95 * rate ? "met" : "NOT met",
                service.p99Millis(), service.leasesPerSecond());
        out.flush();
    }
}
