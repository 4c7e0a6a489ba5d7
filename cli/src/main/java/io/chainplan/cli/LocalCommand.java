package io.chainplan.cli;

import io.chainplan.schemas.local.LocalStack;
import io.chainplan.schemas.serde.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chainplan local}: a real single-node Kafka broker (KRaft, in-process), the embedded schema
 * registry and every chainplan topic, in one process, until Ctrl-C. Data survives restarts unless
 * {@code --fresh}. The stack itself is {@link LocalStack}; {@link #attachComponents} is where the
 * services and a simulated fleet join it.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = {"Run a local Kafka broker (KRaft), the schema registry and all chainplan topics until Ctrl-C.",
            "Clients in any language can use the broker and the registry's REST API."})
public final class LocalCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./.chainplan/data",
            description = "Data directory; kept across restarts (default: ${DEFAULT-VALUE}).")
    private Path dataDir;

    @Option(names = "--fresh", description = "Wipe the broker data (topics and registered schemas) before starting.")
    private boolean fresh;

    @Option(names = "--port", paramLabel = "N", defaultValue = "9092",
            description = "Kafka client port, 0 for any free port (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--registry-port", paramLabel = "N", defaultValue = "8081",
            description = "Schema registry HTTP port, 0 for any free port (default: ${DEFAULT-VALUE}).")
    private int registryPort;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = Topics.DEFAULT_PREFIX,
            description = "Prefix of the topic names (default: ${DEFAULT-VALUE}).")
    private String topicPrefix;

    @Option(names = "--verbose", description = "Print stack traces on failure.")
    private boolean verbose;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CompletableFuture<LocalStack> ready = new CompletableFuture<>();

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        LocalStack stack = LocalStack.start(settings());
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
            throw new UsageException("--port must be in [0, 65535], was " + port);
        }
        if (registryPort < 0 || registryPort > 65535) {
            throw new UsageException("--registry-port must be in [0, 65535], was " + registryPort);
        }
        return new LocalStack.Settings(dataDir.toAbsolutePath().normalize(), port, registryPort, fresh,
                Topics.withPrefix(topicPrefix));
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
