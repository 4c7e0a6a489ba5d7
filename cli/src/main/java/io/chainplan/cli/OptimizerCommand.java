package io.chainplan.cli;

import io.chainplan.metrics.PrometheusEndpoint;
import io.chainplan.optimizer.service.OptimizerConfig;
import io.chainplan.optimizer.service.OptimizerService;
import io.chainplan.schemas.config.ClientConfig;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chainplan optimizer --config FILE}: runs the optimizer service until interrupted
 * (Ctrl-C / SIGTERM stop it cleanly: the consumer leaves the group so another instance takes over
 * at once), with a Prometheus scrape endpoint ({@code GET /metrics} on
 * {@code chainplan.optimizer.metrics.port}, -1 off). Exit 2 on a bad or unknown setting, before
 * anything starts.
 */
@Command(name = "optimizer", mixinStandardHelpOptions = true,
        description = {"Run the optimizer service: consume model specs, server and demand estimates, publish chain plans.",
            "Settings: Kafka client properties plus chainplan.optimizer.* keys (instance.id, group.id, min.interval.ms, "
                + "max.age.ms, server.relative.threshold, rate.relative.threshold, move.gain.threshold, target.load, "
                + "objective, default.model.id, models|server.estimates|demand.estimates.failure.handling.mode "
                + "(fail, log-and-skip, dead-letter), metrics.port (Prometheus /metrics, -1 off), ...); "
                + "README \"Configuration\" lists every key with its default. An unknown chainplan key is an error."})
final class OptimizerCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file (Kafka client + chainplan.* keys).")
    private Path config;

    @CommandLine.Mixin

    private VerboseOption verbose;

    private final CompletableFuture<OptimizerService> started = new CompletableFuture<>();

    @Override
    public Integer call() throws Exception {
        ClientConfig client = CliSupport.load(config);
        OptimizerConfig settings = OptimizerConfig.from(client);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(meters, settings.metricsPort(),
                OptimizerConfig.METRICS_PORT_CONFIG).orElse(null)) {
            OptimizerService service = OptimizerService.create(client, client.schemaRegistry(), meters);
            Thread hook = new Thread(service::close, "chainplan-optimizer-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            spec.commandLine().getErr().println("chainplan optimizer: running against " + client.bootstrapServers()
                    + Optional.ofNullable(endpoint).map(e -> ", metrics on http://localhost:" + e.port() + "/metrics")
                            .orElse("") + " (Ctrl-C to stop)");
            started.complete(service);
            service.run();
            if (service.failure() != null) {
                throw new IllegalStateException("stopped: " + service.failure().getMessage(), service.failure());
            }
        }
        return 0;
    }

    /**
     * Completes with the running service once it started: for in-process tests, which close it to make
     * {@link #call()} return as Ctrl-C would.
     *
     * @return the future
     */
    CompletableFuture<OptimizerService> started() {
        return started;
    }
}
