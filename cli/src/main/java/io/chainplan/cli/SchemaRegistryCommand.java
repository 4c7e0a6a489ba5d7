package io.chainplan.cli;

import io.chainplan.local.registry.EmbeddedSchemaRegistry;
import io.chainplan.schemas.config.ClientConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chainplan schema-registry --config FILE}: runs only the embedded schema registry
 * ({@link EmbeddedSchemaRegistry}) against the Kafka cluster in {@code bootstrap.servers}, until
 * interrupted; the schemas live in the cluster's {@code _schemas} topic. This is what the
 * {@code chainplan/schema-registry-local} image runs ({@code --bind 0.0.0.0}) where the Confluent
 * image cannot be pulled. If {@code schema.registry.basic.auth.user.info} is set, every request
 * must present those credentials.
 */
@Command(name = "schema-registry", mixinStandardHelpOptions = true,
        description = {"Run only chainplan's embedded schema registry (the Confluent REST API subset chainplan and "
                + "Confluent clients use) against an existing Kafka cluster; schemas are kept in its _schemas topic.",
            "Settings: Kafka client properties (bootstrap.servers, security settings) and "
                + "schema.registry.basic.auth.user.info (credentials every request must present)."})
final class SchemaRegistryCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file (Kafka client properties).")
    private Path config;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on; 0.0.0.0 inside a container (default: ${DEFAULT-VALUE}).")
    private String bind;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8081",
            description = "HTTP port, 0 for any free port (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = EmbeddedSchemaRegistry.DEFAULT_TOPIC,
            description = "Compacted topic that stores the schemas (default: ${DEFAULT-VALUE}).")
    private String topic;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    private boolean verbose;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CompletableFuture<EmbeddedSchemaRegistry> ready = new CompletableFuture<>();

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new UsageException("--port must be in [0, 65535], was " + port);
        }
        ClientConfig client = CliSupport.load(config);
        InetSocketAddress address = new InetSocketAddress(bind, port);
        if (address.isUnresolved()) {
            throw new UsageException("--bind: unknown address " + bind);
        }
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(client.kafkaProperties(), topic, address,
                client.basicAuthUserInfo());
        Thread hook = new Thread(registry::close, "chainplan-schema-registry-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        spec.commandLine().getErr().println("chainplan schema-registry: listening on " + bind + ":" + registry.port()
                + ", schemas in " + topic + " on " + client.bootstrapServers() + " (Ctrl-C to stop)");
        ready.complete(registry);
        stopRequested.await();
        Runtime.getRuntime().removeShutdownHook(hook);
        registry.close();
        return 0;
    }

    /** Completes with the running registry once it listens: for in-process tests. */
    CompletableFuture<EmbeddedSchemaRegistry> ready() {
        return ready;
    }

    /** Makes {@link #call()} stop the registry and return 0, as Ctrl-C would: for in-process tests. */
    void requestStop() {
        stopRequested.countDown();
    }
}
