package io.chainplan.cli;

import io.chainplan.ingest.app.IngestApp;
import io.chainplan.ingest.app.IngestConfig;
import io.chainplan.schemas.config.ClientConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chainplan ingest --config FILE}: runs the telemetry-ingest Kafka Streams application until
 * interrupted (Ctrl-C / SIGTERM close it cleanly: it commits and leaves its group). Exit 2 on a bad
 * or unknown setting (before anything starts), 1 if the application stops on its own with an error.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Run telemetry-ingest: request events, telemetry, model specs (and optional GPU metrics) in; "
            + "demand and server estimates out.",
            "Settings: Kafka client and Streams properties (application.id, processing.guarantee=exactly_once_v2, ...), "
                + "schema.registry.url, topic.prefix, and chainplan.ingest.* keys (demand.window.ms, demand.step.ms, "
                + "emit.heartbeat.ms, memory.reserve.bytes, liveness.down.after.ms, gpu.metrics.topic, "
                + "failure.handling.mode, metrics.port, ...); README \"Configuration\" lists every key with its default. "
                + "An unknown chainplan key is an error."})
final class IngestCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file (Kafka client + chainplan.* keys).")
    private Path config;

    @CommandLine.Mixin

    private VerboseOption verbose;

    private final CompletableFuture<IngestApp> started = new CompletableFuture<>();

    @Override
    public Integer call() throws Exception {
        ClientConfig client = CliSupport.load(config);
        IngestApp app = IngestApp.start(IngestConfig.of(client));
        Thread hook = new Thread(app::close, "chainplan-ingest-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        spec.commandLine().getErr().println("chainplan ingest: running against " + client.bootstrapServers()
                + app.metricsPort().stream().mapToObj(p -> ", metrics on http://localhost:" + p + "/metrics").findFirst().orElse("")
                + " (Ctrl-C to stop)");
        started.complete(app);
        app.awaitStopped();
        if (app.failure().isPresent()) {
            app.close();
            throw new IllegalStateException("stopped: " + app.failure().get().getMessage(), app.failure().get());
        }
        if (app.state() == KafkaStreams.State.ERROR || app.state() == KafkaStreams.State.PENDING_ERROR) {
            throw new IllegalStateException("telemetry-ingest stopped with an error (state " + app.state() + "); see the log");
        }
        return 0;
    }

    /**
     * Completes with the running application once it started: for in-process tests, which close it to make
     * {@link #call()} return as Ctrl-C would.
     *
     * @return the future
     */
    CompletableFuture<IngestApp> started() {
        return started;
    }
}
