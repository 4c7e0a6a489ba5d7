package io.chainplan.cli;

import io.chainplan.metrics.PrometheusEndpoint;
import io.chainplan.router.service.DispatchConfig;
import io.chainplan.router.service.DispatchService;
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
 * {@code chainplan dispatch --config FILE}: runs the dispatch service ({@link DispatchService}) until
 * interrupted (Ctrl-C / SIGTERM stop it cleanly: the instance leaves its group, so another takes its
 * models over at once), with the lease API on {@code chainplan.dispatch.http.port} and a Prometheus
 * scrape endpoint on {@code chainplan.dispatch.metrics.port} (-1 off). Exit 2 on a bad or unknown
 * setting, before anything starts; exit 1 with one line if the cluster refuses the credentials or access.
 */
@Command(name = "dispatch", mixinStandardHelpOptions = true,
        description = {"Run the dispatch service: one central JFFC queue per model for many frontends; leases over "
                + "HTTP/JSON, recorded on chainplan.leases; several instances share the models.",
            "Settings: Kafka client properties plus chainplan.dispatch.* keys (instance.id, group.id, http.host, "
                + "http.port, lease.ttl.ms, max.wait.ms, policy, metrics.port, ...); README \"Configuration\" lists every "
                + "key with its default, \"Dispatch service\" the API. An unknown chainplan key is an error."})
final class DispatchCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file (Kafka client + chainplan.* keys).")
    private Path config;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    private boolean verbose;

    private final CompletableFuture<DispatchService> started = new CompletableFuture<>();

    @Override
    public Integer call() throws Exception {
        ClientConfig client = CliSupport.load(config);
        DispatchConfig settings = DispatchConfig.from(client);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(meters, settings.metricsPort(),
                DispatchConfig.METRICS_PORT_CONFIG).orElse(null)) {
            DispatchService service = DispatchService.create(client, client.schemaRegistry(), meters);
            Runtime.getRuntime().addShutdownHook(new Thread(service::close, "chainplan-dispatch-shutdown"));
            service.start();
            spec.commandLine().getErr().println("chainplan dispatch " + settings.instanceId() + ": leases on http://"
                    + settings.httpHost() + ":" + service.port() + "/v1 against " + client.bootstrapServers()
                    + Optional.ofNullable(endpoint).map(e -> ", metrics on http://localhost:" + e.port() + "/metrics")
                            .orElse("") + " (Ctrl-C to stop)");
            started.complete(service);
            service.awaitTermination(java.time.Duration.ofDays(365_000));
            if (service.failure().isPresent()) {
                service.close();
                throw new IllegalStateException("stopped: " + service.failure().get().getMessage(), service.failure().get());
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
    CompletableFuture<DispatchService> started() {
        return started;
    }
}
