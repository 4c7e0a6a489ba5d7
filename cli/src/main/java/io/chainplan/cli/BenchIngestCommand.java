package io.chainplan.cli;

import io.chainplan.ingest.app.IngestBenchmark;
import io.chainplan.schemas.local.LocalStack;
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
 * same broker in the same run ({@link IngestBenchmark}). Goals: at least half the raw rate and at
 * least 50,000 events/s. The broker and the data live in a temporary directory, deleted after.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Events/s through telemetry-ingest (exactly-once) vs the raw produce+consume rate of the same in-process broker.")
final class BenchIngestCommand implements Callable<Integer> {
    private static final int DEFAULT_EVENTS = 300_000;
    private static final int QUICK_EVENTS = 30_000;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--quick", description = "Short run (" + QUICK_EVENTS + " events) for the test suite.")
    private boolean quick;

    @Option(names = "--events", paramLabel = "N", description = "Events per measurement (default " + DEFAULT_EVENTS + ").")
    private Integer events;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    private boolean verbose;

    @Override
    public Integer call() throws Exception {
        int n = events != null ? events : quick ? QUICK_EVENTS : DEFAULT_EVENTS;
        if (n < 1000) {
            throw new UsageException("--events must be >= 1000, was " + n);
        }
        Path dir = Files.createTempDirectory("chainplan-bench-ingest");
        try (LocalStack stack = LocalStack.start(new LocalStack.Settings(dir, 0, 0, true, Topics.defaults()))) {
            IngestBenchmark.Result r = IngestBenchmark.run(stack, dir.resolve("streams"), n);
            print(spec.commandLine().getOut(), r);
        } finally {
            delete(dir);
        }
        return 0;
    }

    private static void print(PrintWriter out, IngestBenchmark.Result r) {
        out.printf(Locale.ROOT, "telemetry-ingest throughput: in-process KRaft broker, %,d request events, %s%n",
                r.events(), r.processingGuarantee());
        out.printf(Locale.ROOT, "%-34s %10s %12s%n", "measurement", "seconds", "events/s");
        out.printf(Locale.ROOT, "%-34s %10.3f %,12.0f%n", "raw produce + consume (bytes)", r.rawSeconds(), r.rawPerSecond());
        out.printf(Locale.ROOT, "%-34s %10.3f %,12.0f%n", "produce + ingest app", r.appSeconds(), r.appPerSecond());
        out.printf(Locale.ROOT, "%-34s %10.3f   (%.0f%% of the app's wall time)%n", "stream thread CPU seconds",
                r.streamThreadCpuSeconds(), 100 * r.streamThreadCpuSeconds() / r.appSeconds());
        out.printf(Locale.ROOT, "%-34s %10.2f   (goal >= 0.50: %s)%n", "ratio app / raw", r.ratio(), r.ratio() >= 0.5 ? "met" : "NOT met");
        out.printf(Locale.ROOT, "%-34s %,10.0f   (goal >= 50,000: %s)%n", "app events/s", r.appPerSecond(),
                r.appPerSecond() >= 50_000 ? "met" : "NOT met");
        out.flush();
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
