package io.chainplan.cli;

import io.chainplan.bench.IngestBenchmark;
import io.chainplan.local.LocalStack;
import io.chainplan.schemas.serde.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chainplan bench ingest}: request events per second through telemetry-ingest
 * (exactly-once) on an in-process KRaft broker, beside the raw produce-and-consume rate of the
 * same broker in the same run ({@link IngestBenchmark}): a warm-up through both paths, then
 * paired rounds. Goals: at least half the raw rate and at least 50,000 events/s. The broker and
 * the data live in a temporary directory, deleted after.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Events/s through telemetry-ingest (exactly-once) vs the raw produce+consume rate of the same in-process broker.")
final class BenchIngestCommand implements Callable<Integer> {
    private static final int DEFAULT_EVENTS = 300_000;
    private static final int DEFAULT_ROUNDS = 5;
    private static final int QUICK_EVENTS = 30_000;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--quick", description = "Short run (" + QUICK_EVENTS + " events, one round) for the test suite.")
    private boolean quick;

    @Option(names = "--events", paramLabel = "N", description = "Events per measured phase (default " + DEFAULT_EVENTS + ").")
    private Integer events;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Events through each path before measuring, so the JIT has compiled both (default: the same as --events).")
    private Integer warmup;

    @Option(names = "--rounds", paramLabel = "R", description = "Measured rounds, each a raw then an app phase (default " + DEFAULT_ROUNDS + ").")
    private Integer rounds;

    @CommandLine.Mixin

    private VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        IngestBenchmark.Plan plan = plan();
        Path dir = Files.createTempDirectory("chainplan-bench-ingest");
        try (LocalStack stack = LocalStack.start(new LocalStack.Settings(dir, 0, 0, true, Topics.defaults()))) {
            print(spec.commandLine().getOut(), IngestBenchmark.run(stack, dir.resolve("streams"), plan));
        } finally {
            delete(dir);
        }
        return 0;
    }

    private IngestBenchmark.Plan plan() {
        int n = events != null ? events : quick ? QUICK_EVENTS : DEFAULT_EVENTS;
        try {
            return new IngestBenchmark.Plan(n, warmup != null ? warmup : n, rounds != null ? rounds : quick ? 1 : DEFAULT_ROUNDS);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static void print(PrintWriter out, IngestBenchmark.Result r) {
        IngestBenchmark.Plan plan = r.plan();
        out.printf(Locale.ROOT, "telemetry-ingest throughput: in-process KRaft broker, %s, 1 partition, 1 stream thread%n",
                r.processingGuarantee());
        out.printf(Locale.ROOT, "%,d request events per phase, after %,d through each path as a warm-up; %d round(s)%n",
                plan.events(), plan.warmupEvents(), plan.rounds());
        out.printf(Locale.ROOT, "raw = produce + consume (bytes); app = produce + ingest app; CPU = whole process; JIT = compilation;%n"
                + "stream = the app's stream thread: CPU microseconds and allocated bytes per event%n");
        out.printf(Locale.ROOT, "%-6s %8s %12s %7s %7s %8s %12s %7s %7s %9s %9s %6s%n", "round", "raw s", "raw ev/s", "CPU s",
                "JIT s", "app s", "app ev/s", "CPU s", "JIT s", "stream us", "stream B", "ratio");
        for (int i = 0; i < r.rounds().size(); i++) {
            IngestBenchmark.Round round = r.rounds().get(i);
            out.printf(Locale.ROOT, "%-6d %s %s %9.2f %,9.0f %6.2f%n", i + 1, phase(plan, round.raw()), phase(plan, round.app()),
                    round.streamMicrosPerEvent(), round.streamBytesPerEvent(), round.ratio());
        }
        out.printf(Locale.ROOT, "%-34s %,12.0f%n", "raw produce + consume, median", r.rawPerSecond());
        out.printf(Locale.ROOT, "%-34s %,12.0f   (goal >= 50,000: %s)%n", "produce + ingest app, median", r.appPerSecond(),
                r.appPerSecond() >= 50_000 ? "met" : "NOT met");
        out.printf(Locale.ROOT, "%-34s %12.2f   (median of rounds; goal >= 0.50: %s)%n", "ratio app / raw", r.ratio(),
                r.ratio() >= 0.5 ? "met" : "NOT met");
        out.flush();
    }

    private static String phase(IngestBenchmark.Plan plan, IngestBenchmark.Phase p) {
        return String.format(Locale.ROOT, "%8.3f %,12.0f %7.2f %7.2f", p.seconds(), plan.events() / p.seconds(),
                p.processCpuSeconds(), p.jitSeconds());
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
