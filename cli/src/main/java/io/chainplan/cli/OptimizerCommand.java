package io.chainplan.cli;

import io.chainplan.optimizer.service.OptimizerService;
import io.chainplan.schemas.config.ClientConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chainplan optimizer --config FILE}: runs the optimizer service until interrupted
 * (Ctrl-C / SIGTERM stop it cleanly: the consumer leaves the group so another instance takes over
 * at once).
 */
@Command(name = "optimizer", mixinStandardHelpOptions = true,
        description = {"Run the optimizer service: consume model specs, server and demand estimates, publish chain plans.",
            "Settings: Kafka client properties plus chainplan.optimizer.* keys (instance.id, group.id, min.interval.ms, "
                + "max.age.ms, server.relative.threshold, rate.relative.threshold, move.gain.threshold, target.load, "
                + "objective, default.model.id, ...)."})
final class OptimizerCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file (Kafka client + chainplan.* keys).")
    private Path config;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    private boolean verbose;

    @Override
    public Integer call() throws Exception {
        ClientConfig client = CliSupport.load(config);
        OptimizerService service = OptimizerService.create(client, CliSupport.registry(client), new SimpleMeterRegistry());
        Thread hook = new Thread(service::close, "chainplan-optimizer-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        spec.commandLine().getErr().println("chainplan optimizer: running against " + client.bootstrapServers()
                + " (Ctrl-C to stop)");
        service.run();
        if (service.failure() != null) {
            throw new IllegalStateException("stopped: " + service.failure().getMessage(), service.failure());
        }
        return 0;
    }
}
