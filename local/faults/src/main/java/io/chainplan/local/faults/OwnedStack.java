package io.chainplan.local.faults;

import io.chainplan.ingest.app.IngestApp;
import io.chainplan.ingest.app.IngestConfig;
import io.chainplan.local.EmbeddedKafkaBroker;
import io.chainplan.local.LocalStack;
import io.chainplan.local.LocalStackException;
import io.chainplan.local.registry.EmbeddedSchemaRegistry;
import io.chainplan.optimizer.service.OptimizerConfig;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.registry.RestSchemaRegistryClient;
import io.chainplan.schemas.serde.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack the suite owns, so that it can break it: an in-process KRaft broker (with a SASL_PLAINTEXT
 * listener for one user besides its PLAINTEXT one) that stops and starts again on the same ports with its
 * data, the embedded schema registry (stopped and started on its port), telemetry-ingest in-process, and the
 * optimizer as a child {@code chainplan optimizer} process that can be killed with SIGKILL. Ingest advances its
 * estimates every second ({@link #STEP_MILLIS}) so that a recovery shows within about a second.
 */
final class OwnedStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OwnedStack.class);
    /** The demand step of the owned ingest, ms. */
    static final long STEP_MILLIS = 1000;
    /** The SASL user of the owned broker. */
    static final String USER = "faults";
    private static final Duration START = Duration.ofMinutes(2);

    private final Path dir;
    private final Topics topics;
    private final ChainplanLauncher launcher;
    private final String password = UUID.randomUUID().toString();
    private final String runId;
    private EmbeddedKafkaBroker broker;
    private EmbeddedSchemaRegistry registry;
    private final int registryPort;
    private IngestApp ingest;
    private Process optimizer;
    private int optimizerStarts;

    private OwnedStack(Path dir, Topics topics, ChainplanLauncher launcher, String runId, int kafkaPort, int registryPort) {
        this.dir = dir;
        this.topics = topics;
        this.launcher = launcher;
        this.runId = runId;
        this.broker = EmbeddedKafkaBroker.startWithSaslPlain(dir, kafkaPort, Map.of(USER, password));
        try {
            this.registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers(), registryPort);
            this.registryPort = registry.port();
            LocalStack.createTopics(broker.bootstrapServers(), topics);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Starts broker, registry, topics, telemetry-ingest and the optimizer process.
     *
     * @param dir          data and log directory
     * @param topics       topic names
     * @param launcher     starts the optimizer process
     * @param runId        names the services' groups
     * @param kafkaPort    PLAINTEXT port, 0 for any
     * @param registryPort registry port, 0 for any
     * @return the running stack
     */
    static OwnedStack start(Path dir, Topics topics, ChainplanLauncher launcher, String runId, int kafkaPort, int registryPort) {
        OwnedStack s = new OwnedStack(dir, topics, launcher, runId, kafkaPort, registryPort);
        try {
            s.ingest = IngestApp.start(s.ingestConfig(), RestSchemaRegistryClient.builder(s.registry.url())
                    .timeout(Duration.ofSeconds(2)).build());
            if (!s.ingest.awaitRunning(START)) {
                throw new LocalStackException("telemetry-ingest did not start within " + START.toSeconds() + " s");
            }
            s.startOptimizer();
            return s;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.close();
            throw new LocalStackException("interrupted while starting the stack", e);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private IngestConfig ingestConfig() {
        return IngestConfig.of(client()
                .with(StreamsConfig.APPLICATION_ID_CONFIG, "faults-ingest-" + runId)
                .with(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("streams").toString())
                .with(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100")
                // a stream thread replaced after a registry outage leaves its member behind until the session times out
                .with(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000")
                .with(IngestConfig.DEMAND_STEP_MS_CONFIG, Long.toString(STEP_MILLIS))
                .with(IngestConfig.DEMAND_GRACE_MS_CONFIG, "500")
                .with(IngestConfig.DEMAND_HORIZON_WINDOWS_CONFIG, "10")
                .with(IngestConfig.EMIT_HEARTBEAT_MS_CONFIG, Long.toString(STEP_MILLIS))
                .with(IngestConfig.LIVENESS_CHECK_MS_CONFIG, "1000")
                .with(IngestConfig.METRICS_PORT_CONFIG, "-1"));
    }

    /** @return the settings of the suite's clients and services: PLAINTEXT bootstrap, registry URL, topic prefix */
    ClientConfig client() {
        return ClientConfig.of(Map.of(ClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ClientConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://localhost:" + registryPort,
                ClientConfig.TOPIC_PREFIX_CONFIG, topics.prefix()));
    }

    /**
     * @param withPassword the password to present
     * @return Kafka client properties for the SASL_PLAINTEXT listener as {@link #USER}
     */
    Map<String, Object> sasl(String withPassword) {
        Map<String, Object> p = new HashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.saslBootstrapServers());
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        p.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        p.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + USER + "\" password=\"" + withPassword + "\";");
        return p;
    }

    /** @return the password the SASL listener accepts */
    String password() {
        return password;
    }

    /** @return the broker's PLAINTEXT port */
    int kafkaPort() {
        return broker.port();
    }

    /** @return the registry's port */
    int registryPort() {
        return registryPort;
    }

    /** Stops the broker (clients keep running and retry). */
    void stopBroker() {
        broker.close();
    }

    /** Starts the broker again on the same ports with its data. */
    void startBroker() {
        broker = broker.restart();
    }

    /** Stops the schema registry. */
    void stopRegistry() {
        registry.close();
    }

    /** Starts the schema registry again on its port, from the {@code _schemas} topic. */
    void startRegistry() {
        registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers(), registryPort);
    }

    /** Starts a {@code chainplan optimizer} process (the same instance id each time, so it fences its predecessor). */
    void startOptimizer() {
        Path config = dir.resolve("optimizer.properties");
        Properties p = new Properties();
        client().all().forEach(p::setProperty);
        p.setProperty(OptimizerConfig.INSTANCE_ID_CONFIG, "faults-optimizer");
        p.setProperty(OptimizerConfig.GROUP_ID_CONFIG, "faults-optimizer-" + runId);
        p.setProperty(OptimizerConfig.MIN_INTERVAL_MS_CONFIG, "0");
        p.setProperty(OptimizerConfig.POLL_MS_CONFIG, "20");
        p.setProperty(OptimizerConfig.COMMIT_INTERVAL_MS_CONFIG, "50");
        p.setProperty(OptimizerConfig.METRICS_PORT_CONFIG, "-1");
        try {
            try (Writer w = Files.newBufferedWriter(config)) {
                p.store(w, "chainplan faults: the optimizer under test");
            }
            optimizer = launcher.start(List.of("optimizer", "--config", config.toString()),
                    dir.resolve("optimizer-" + ++optimizerStarts + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start chainplan optimizer: " + e.getMessage(), e);
        }
        LOG.info("chainplan optimizer started, pid {}", optimizer.pid());
    }

    /**
     * Kills the optimizer process with SIGKILL (no shutdown hook, no clean close) and waits until it is gone.
     *
     * @return the pid killed
     */
    long killOptimizer() {
        long pid = optimizer.pid();
        optimizer.destroyForcibly();
        try {
            if (!optimizer.waitFor(1, TimeUnit.MINUTES)) {
                throw new IllegalStateException("chainplan optimizer " + pid + " survived SIGKILL for a minute");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing the optimizer", e);
        }
        return pid;
    }

    /** @return whether the optimizer process is running (it may have stopped by itself) */
    boolean optimizerAlive() {
        return optimizer != null && optimizer.isAlive();
    }

    /** @return the directory of the data and the logs */
    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        if (optimizer != null && optimizer.isAlive()) {
            optimizer.destroy();
            try {
                if (!optimizer.waitFor(20, TimeUnit.SECONDS)) {
                    optimizer.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                optimizer.destroyForcibly();
            }
        }
        if (ingest != null) {
            ingest.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }
}
