package io.chainplan.cli;

import io.chainplan.cli.format.FleetFileException;
import io.chainplan.cli.format.FleetFiles;
import io.chainplan.local.loop.ClosedLoop;
import io.chainplan.local.loop.ClosedLoopOptions;
import io.chainplan.local.loop.FleetPreset;
import io.chainplan.local.loop.LocalMetrics;
import io.chainplan.local.loop.LocalServices;
import io.chainplan.local.loop.PlanPage;
import io.chainplan.local.loop.Scenario;
import io.chainplan.local.LocalStack;
import io.chainplan.local.LocalStackException;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.schemas.serde.Topics;
import java.io.PrintWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chainplan local}: the whole system in one process. By default the closed loop
 * ({@link ClosedLoop}): a real single-node Kafka broker (KRaft, in-process), the embedded schema
 * registry and every chainplan topic, telemetry-ingest, the optimizer service, a simulated fleet and
 * its JFFC router, for {@code --duration} of wall time with simulated time running {@code --speedup}
 * times faster; then a summary. Each closed-loop run starts from empty topics.
 * <p>With {@code --stack-only}: just the broker, the registry and the topics, until Ctrl-C; data
 * survives restarts unless {@code --fresh}. The stack itself is {@link LocalStack};
 * {@link #attachComponents} is where components join it.
 */
@Command(name = "local", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run chainplan end to end in one process: Kafka (KRaft) + schema registry, telemetry-ingest, the "
                + "optimizer, and a simulated fleet (LLaMA-2-70B on 2 x A100-80GB, 4 x A100-40GB and 4 x A10 by default) with a JFFC router,",
            "in a closed loop with accelerated time; prints a live status line and, at the end, a summary.",
            "With --stack-only: just the broker, the registry and the topics until Ctrl-C, for clients in any language."})
public final class LocalCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--duration", paramLabel = "D", defaultValue = "60s", converter = DurationConverter.class,
            description = "Wall-clock length of the closed loop, e.g. 60s, 5m (default: ${DEFAULT-VALUE}).")
    private Duration duration;

    @Option(names = "--speedup", paramLabel = "X", defaultValue = "10",
            description = "Simulated seconds per wall second (default: ${DEFAULT-VALUE}).")
    private double speedup;

    @Option(names = "--scenario", paramLabel = "S", defaultValue = "shift",
            description = "steady, shift (the arrival rate doubles half way), failure (a server goes down half way) or"
                    + " mix (generated tokens per request grow ten-fold half way, at the same rate)"
                    + " (default: ${DEFAULT-VALUE}).")
    private String scenario;

    @Option(names = "--fleet", paramLabel = "FILE",
            description = "Fleet file to simulate instead of the preset (format: docs/file-formats.md).")
    private Path fleetFile;

    @Option(names = "--fleet-preset", paramLabel = "NAME", defaultValue = "70b-mixed",
            description = "Built-in fleet: 70b-mixed (LLaMA-2-70B on 2 x A100-80GB, 4 x A100-40GB, 4 x A10; 4 req/s) or "
                    + "mig (LLaMA-2-7B on the paper's nine A100 MIG slices; 5 req/s) (default: ${DEFAULT-VALUE}).")
    private String fleetPreset;

    @Option(names = "--trace", paramLabel = "PATH",
            description = "Replay an Azure LLM trace CSV (e.g. ../shared/data/azure-llm-2023-code.csv) instead of Poisson arrivals.")
    private Path trace;

    @Option(names = "--rate", paramLabel = "R",
            description = "Poisson arrival rate before any shift, req/s (default: the fleet file's arrivalRate, else the "
                    + "preset's).")
    private Double rate;

    @Option(names = "--compare", paramLabel = "BASELINE",
            description = "petals: also serve the same arrivals with PETALS' placement and routing (simulated) and compare.")
    private String compare;

    @Option(names = "--report", paramLabel = "DIR", description = "Write PNG charts of the run to DIR.")
    private Path reportDir;

    @Option(names = "--dispatch", paramLabel = "MODE", defaultValue = "service",
            description = "How the fleet's router dispatches: service (through the dispatch service over HTTP, leases on "
                    + "chainplan.leases; its round trips count x speedup in the waits) or embedded (the Dispatcher in "
                    + "this process). Default ${DEFAULT-VALUE}.")
    private String dispatch;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed of the arrivals and the fleet's noise (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--stack-only", description = "Only the broker, the registry and the topics, until Ctrl-C.")
    private boolean stackOnly;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory (default: ./.chainplan/data with --stack-only, kept across restarts; "
                    + "./.chainplan/local-run for the closed loop, wiped at every run).")
    private Path dataDir;

    @Option(names = "--fresh", description = "Wipe the broker data (topics and registered schemas) before starting.")
    private boolean fresh;

    @Option(names = "--port", paramLabel = "N", defaultValue = "9092",
            description = "Kafka client port, 0 for any free port (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--registry-port", paramLabel = "N", defaultValue = "8081",
            description = "Schema registry HTTP port, 0 for any free port (default: ${DEFAULT-VALUE}).")
    private int registryPort;

    @Option(names = "--metrics-port", paramLabel = "N", defaultValue = "" + LocalMetrics.DEFAULT_BASE_PORT,
            description = "Prometheus endpoints GET /metrics of the closed loop: telemetry-ingest on N, the optimizer on "
                    + "N+1, the router (dispatch service) on N+2, as the services use when run apart; 0 for free ports, "
                    + "-1 for none (default: ${DEFAULT-VALUE}).")
    private int metricsPort;

    @Option(names = "--page-port", paramLabel = "N", defaultValue = "" + PlanPage.DEFAULT_PORT,
            description = "Port of the live plan page (on localhost; address printed at start): the plan in force, its "
                    + "chains and their utilisation, the plan history; 0 for a free port, -1 for none "
                    + "(default: ${DEFAULT-VALUE}).")
    private int pagePort;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = Topics.DEFAULT_PREFIX,
            description = "Prefix of the topic names (default: ${DEFAULT-VALUE}).")
    private String topicPrefix;

    @CommandLine.Mixin

    private VerboseOption verbose;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CompletableFuture<LocalStack> ready = new CompletableFuture<>();

    @Override
    public Integer call() throws InterruptedException, IOException {
        if (!stackOnly) {
            return closedLoop();
        }
        PrintWriter out = spec.commandLine().getOut();
        LocalStack stack = startStack();
        Thread hook = new Thread(() -> stop(stack, out), "chainplan-local-shutdown");
        try {
            attachComponents(stack, out);
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        announce(stack, out);
        ready.complete(stack);
        stopRequested.await();
        Runtime.getRuntime().removeShutdownHook(hook);
        stop(stack, out);
        return 0;
    }

    /** The stack settings from the options. */
    LocalStack.Settings settings() {
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be in [0, 65535], was " + port);
        }
        if (registryPort < 0 || registryPort > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--registry-port must be in [0, 65535], was " + registryPort);
        }
        Path dir = dataDir != null ? dataDir : Path.of(stackOnly ? "./.chainplan/data" : "./.chainplan/local-run");
        return new LocalStack.Settings(dir.toAbsolutePath().normalize(), port, registryPort, fresh || !stackOnly,
                Topics.withPrefix(topicPrefix));
    }

    /**
     * Moves the process's log lines off the console (the status line is drawn there) into
     * {@code local-run.log} beside the data directory, which is wiped at every run.
     */
    private Path logFile() throws IOException {
        Path dir = settings().dataDir();
        Path file = dir.resolveSibling(dir.getFileName() + ".log");
        java.nio.file.Files.createDirectories(file.getParent());
        return LogFile.redirectTo(file) ? file : Path.of("stderr");
    }

    /** Starts the stack; a port held by another process names the option that moves it. */
    private LocalStack startStack() {
        try {
            return LocalStack.start(settings());
        } catch (LocalStackException e) {
            String m = e.getMessage();
            if (m.startsWith("Kafka port ")) {
                throw new LocalStackException(m + "; pick another with --port N, or --port 0 for any free port", e);
            }
            if (m.startsWith("schema registry port ")) {
                throw new LocalStackException(m + "; pick another with --registry-port N, or --registry-port 0 for any free port", e);
            }
            throw e;
        }
    }

    private ClosedLoopOptions.Dispatch dispatch() {
        for (ClosedLoopOptions.Dispatch d : ClosedLoopOptions.Dispatch.values()) {
            if (d.cliName().equals(dispatch.trim().toLowerCase(Locale.ROOT))) {
                return d;
            }
        }
        throw new UsageException("--dispatch must be service or embedded, was " + dispatch);
    }

    /** Runs the closed loop on a fresh stack and prints its summary; exit 1 if no plan was published. */
    private int closedLoop() throws IOException {
        ClosedLoopOptions options;
        try {
            options = new ClosedLoopOptions(duration, speedup, fleet(), FleetPreset.fromCliName(fleetPreset),
                    Optional.ofNullable(trace),
                    Optional.ofNullable(rate), scenario(), comparePetals(), Optional.ofNullable(reportDir), seed,
                    dispatch(), metricsPort, pagePort);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        Path log = logFile();
        LocalStack stack = startStack();
        try {
            out.printf(Locale.ROOT, "chainplan local: Kafka %s, schema registry %s (ready in %.1f s); log %s%n",
                    stack.bootstrapServers(), stack.schemaRegistryUrl(), stack.startupTime().toMillis() / 1000.0, log);
            out.flush();
            ready.complete(stack);
            ClosedLoop.Result r = new ClosedLoop(options, new LocalServices())
                    .run(stack, out, spec.commandLine().getErr(), System.console() != null);
            if (r.summary().plans().isEmpty()) {
                throw new IllegalStateException("no plan was published during the run (see " + log + ")");
            }
            return 0;
        } finally {
            stack.close();
        }
    }

    private Optional<Fleet> fleet() {
        if (fleetFile == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(FleetFiles.read(fleetFile));
        } catch (FleetFileException e) {
            throw new UsageException(e.getMessage());
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--fleet: cannot read " + fleetFile + ": " + e.getMessage());
        }
    }

    private Scenario scenario() {
        try {
            return Scenario.valueOf(scenario.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--scenario must be steady, shift, failure or mix, was " + scenario);
        }
    }

    private boolean comparePetals() {
        if (compare == null) {
            return false;
        }
        if (!compare.trim().equalsIgnoreCase("petals")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--compare must be petals, was " + compare);
        }
        return true;
    }

    /**
     * Starts what runs on top of the stack (services, a simulated fleet) and registers each with
     * {@link LocalStack#closeOnStop} so that Ctrl-C stops it before the broker. Nothing yet.
     */
    void attachComponents(LocalStack stack, PrintWriter out) {
    }

    private void announce(LocalStack stack, PrintWriter out) {
        StringJoiner topics = new StringJoiner(", ");
        stack.topics().all().forEach(t -> topics.add(t.name() + " (" + t.cleanup().name().toLowerCase(Locale.ROOT) + ")"));
        out.println("chainplan local");
        out.println("  Kafka bootstrap servers  " + stack.bootstrapServers());
        out.println("  schema registry          " + stack.schemaRegistryUrl());
        out.println("  data                     " + stack.broker().dataDir());
        out.println("  topics                   " + topics);
        out.printf(Locale.ROOT, "ready in %.1f s. Press Ctrl-C to stop.%n", stack.startupTime().toMillis() / 1000.0);
        out.flush();
    }

    private static void stop(LocalStack stack, PrintWriter out) {
        out.println("stopping...");
        out.flush();
        stack.close();
        out.println("stopped.");
        out.flush();
    }

    /** Completes with the running stack once it is ready: for in-process tests. */
    CompletableFuture<LocalStack> ready() {
        return ready;
    }

    /** Makes {@link #call()} stop the stack and return 0, as Ctrl-C would: for in-process tests. */
    void requestStop() {
        stopRequested.countDown();
    }
}
