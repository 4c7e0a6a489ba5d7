package io.chainplan.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka cluster in this JVM: one KRaft process acting as broker and controller,
 * started from Kafka's own server classes ({@link KafkaRaftServer}), not a mock. Data lives in
 * {@code dataDir/kafka}, which survives restarts (the directory is formatted only the first time).
 * Sized for a small machine: one partition per topic by default, replication 1 everywhere
 * (including the offsets and transaction-state topics, so exactly-once works), a small log-cleaner
 * buffer and few threads.
 * <p>The PLAINTEXT listener is on {@code localhost:port} (port 0 picks a free port); the controller
 * listener on a free port. Close it to shut down.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final int NODE_ID = 1;
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final int port;
    /** Port of the SASL_PLAINTEXT listener, 0 if there is none. */
    private final int saslPort;
    private final int controllerPort;
    private final Map<String, String> overrides;
    private final Map<String, String> saslUsers;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, Path dataDir, Listeners ports, Map<String, String> overrides,
                                Map<String, String> saslUsers) {
        this.server = server;
        this.dataDir = dataDir;
        this.port = ports.client();
        this.controllerPort = ports.controller();
        this.saslPort = ports.sasl();
        this.overrides = Map.copyOf(overrides);
        this.saslUsers = Map.copyOf(saslUsers);
    }

    /** The broker's ports: client (PLAINTEXT), controller, SASL_PLAINTEXT (0 for none). */
    private record Listeners(int client, int controller, int sasl) {
    }

    /**
     * Starts a broker with the default settings.
     *
     * @param dataDir directory for the broker's data (created if missing; reused if formatted)
     * @param port    client port, 0 for any free port
     * @return the running broker, ready for clients
     * @throws LocalStackException if the port is in use, the directory is not writable, or the broker fails
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port) {
        return start(dataDir, port, Map.of());
    }

    /**
     * Starts a broker with extra or overriding server properties.
     *
     * @param dataDir   directory for the broker's data
     * @param port      client port, 0 for any free port
     * @param overrides server properties applied last, e.g. {@code log.retention.ms}
     * @return the running broker, ready for clients
     * @throws LocalStackException if the port is in use, the directory is not writable, or the broker fails
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port, Map<String, String> overrides) {
        return start(dataDir, port, overrides, Map.of());
    }

    /**
     * Starts a broker that also has a SASL_PLAINTEXT listener (mechanism PLAIN) on a free port
     * ({@link #saslBootstrapServers()}), accepting exactly the given users; the PLAINTEXT listener
     * stays for the broker's own use and for tests that set topics up.
     *
     * @param dataDir directory for the broker's data
     * @param users   user name to password
     * @return the running broker
     * @throws LocalStackException as {@link #start(Path, int, Map)}
     */
    public static EmbeddedKafkaBroker startWithSaslPlain(Path dataDir, Map<String, String> users) {
        return startWithSaslPlain(dataDir, 0, users, Map.of());
    }

    /**
     * As {@link #startWithSaslPlain(Path, Map)}, with the PLAINTEXT listener on a given port.
     *
     * @param dataDir directory for the broker's data
     * @param port    PLAINTEXT client port, 0 for any free port
     * @param users   user name to password
     * @return the running broker
     * @throws LocalStackException as {@link #start(Path, int, Map)}
     */
    public static EmbeddedKafkaBroker startWithSaslPlain(Path dataDir, int port, Map<String, String> users) {
        return startWithSaslPlain(dataDir, port, users, Map.of());
    }

    /**
     * As {@link #startWithSaslPlain(Path, Map)}, with extra or overriding server properties.
     *
     * @param dataDir   directory for the broker's data
     * @param users     user name to password
     * @param overrides server properties applied last, e.g. {@code group.min.session.timeout.ms}
     * @return the running broker
     * @throws LocalStackException as {@link #start(Path, int, Map)}
     */
    public static EmbeddedKafkaBroker startWithSaslPlain(Path dataDir, Map<String, String> users,
                                                         Map<String, String> overrides) {
        return startWithSaslPlain(dataDir, 0, users, overrides);
    }

    private static EmbeddedKafkaBroker startWithSaslPlain(Path dataDir, int port, Map<String, String> users,
                                                          Map<String, String> overrides) {
        if (users.isEmpty()) {
            throw new IllegalArgumentException("users must not be empty");
        }
        return start(dataDir, port, overrides, users);
    }

    private static EmbeddedKafkaBroker start(Path dataDir, int port, Map<String, String> overrides,
                                             Map<String, String> saslUsers) {
        Listeners ports = new Listeners(Ports.claim(port, "Kafka"), Ports.claim(0, "Kafka controller"),
                saslUsers.isEmpty() ? 0 : Ports.claim(0, "Kafka SASL"));
        return start(dataDir, ports, overrides, saslUsers);
    }

    /**
     * Starts this broker again after {@link #close()}: on the same client, controller and SASL ports, with its
     * data, server properties and SASL users, as a restarted broker process comes back. Clients that kept
     * {@code localhost:port} reconnect to it.
     *
     * @return the running broker (a new instance; this one stays closed)
     * @throws IllegalStateException if this broker is still running
     * @throws LocalStackException   as {@link #start(Path, int, Map)}, e.g. while another process holds a port
     */
    public synchronized EmbeddedKafkaBroker restart() {
        if (!closed) {
            throw new IllegalStateException("the broker on port " + port + " is still running; close it first");
        }
        Ports.claim(port, "Kafka");
        Ports.claim(controllerPort, "Kafka controller");
        if (saslPort != 0) {
            Ports.claim(saslPort, "Kafka SASL");
        }
        return start(dataDir, new Listeners(port, controllerPort, saslPort), overrides, saslUsers);
    }

    private static EmbeddedKafkaBroker start(Path dataDir, Listeners ports, Map<String, String> overrides,
                                             Map<String, String> saslUsers) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(overrides, "overrides");
        long startNanos = System.nanoTime();
        Path logDir = writableDir(dataDir.resolve("kafka"));
        Map<String, String> props = serverProperties(logDir, ports.client(), ports.controller());
        if (!saslUsers.isEmpty()) {
            addSaslPlainListener(props, ports.sasl(), saslUsers);
        }
        props.putAll(overrides);
        KafkaConfig config = new KafkaConfig(props, false);
        formatIfNeeded(logDir, NODE_ID, Uuid.randomUuid().toString());
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, dataDir, ports, overrides, saslUsers);
        try {
            server.startup();
            broker.awaitReady();
        } catch (RuntimeException e) {
            broker.close();
            throw new LocalStackException("Kafka broker failed to start on port " + ports.client() + ": " + e.getMessage(), e);
        }
        LOG.info("Kafka broker ready on {} in {} ms (data in {})", broker.bootstrapServers(),
                Duration.ofNanos(System.nanoTime() - startNanos).toMillis(), logDir);
        return broker;
    }

    /**
     * The server properties used (before overrides).
     *
     * @param logDir         log directory (data and metadata)
     * @param port           client listener port
     * @param controllerPort controller listener port
     * @return the properties, in a stable order
     */
    static Map<String, String> serverProperties(Path logDir, int port, int controllerPort) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
        p.put("listeners", "PLAINTEXT://localhost:" + port + "," + CONTROLLER_LISTENER + "://localhost:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // a transaction's first write retries after this while the previous transaction's markers are
        // written (default 20 ms): the dispatch service's lease log runs transactions back to back
        p.put("add.partitions.to.txn.retry.backoff.ms", "1");
        p.put("log.segment.bytes", Integer.toString(8 * 1024 * 1024));
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
        p.put("log.cleaner.threads", "1");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("auto.create.topics.enable", "true");
        return p;
    }

    /** A SASL_PLAINTEXT listener on {@code saslPort}, PLAIN with a fixed user list (Kafka's own server callback). */
    private static void addSaslPlainListener(Map<String, String> p, int saslPort, Map<String, String> users) {
        p.put("listeners", p.get("listeners") + ",SASL_PLAINTEXT://localhost:" + saslPort);
        p.put("advertised.listeners", p.get("advertised.listeners") + ",SASL_PLAINTEXT://localhost:" + saslPort);
        p.put("listener.security.protocol.map", p.get("listener.security.protocol.map") + ",SASL_PLAINTEXT:SASL_PLAINTEXT");
        p.put("sasl.enabled.mechanisms", "PLAIN");
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
        users.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
        p.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.append(';').toString());
    }

    static Path writableDir(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new LocalStackException("data dir " + dir + " cannot be created: " + e, e);
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new LocalStackException("data dir " + dir + " is not writable");
        }
        return dir;
    }

    /**
     * Formats the log directory for KRaft unless it already holds a {@code meta.properties}.
     *
     * @param logDir    the node's log (and metadata) directory
     * @param nodeId    the node's id
     * @param clusterId the cluster's id (the same for every node of a cluster)
     */
    static void formatIfNeeded(Path logDir, int nodeId, String clusterId) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(print)
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .run();
        } catch (Exception e) {
            throw new LocalStackException("cannot format Kafka data dir " + logDir + ": " + e.getMessage(), e);
        }
        LOG.debug("formatted {}: {}", logDir, out.toString(StandardCharsets.UTF_8).trim());
    }

    /** Waits until the broker answers metadata requests and has registered itself. */
    private void awaitReady() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(p)) {
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get().isEmpty()) {
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    if (System.nanoTime() > deadline) {
                        throw new LocalStackException("broker not ready after " + READY_TIMEOUT.toSeconds() + " s", e.getCause());
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new LocalStackException("broker not ready after " + READY_TIMEOUT.toSeconds() + " s");
                }
                Thread.onSpinWait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while waiting for the broker", e);
        }
    }

    /**
     * @return {@code localhost:port} for the {@code bootstrap.servers} client setting
     */
    public String bootstrapServers() {
        return "localhost:" + port;
    }

    /**
     * @return {@code localhost:port} of the SASL_PLAINTEXT listener
     * @throws IllegalStateException if the broker was not started by {@link #startWithSaslPlain}
     */
    public String saslBootstrapServers() {
        if (saslPort == 0) {
            throw new IllegalStateException("this broker has no SASL listener (start it with startWithSaslPlain)");
        }
        return "localhost:" + saslPort;
    }

    /**
     * The client properties of a user of the SASL_PLAINTEXT listener, as an operator would write them
     * for a secured cluster.
     *
     * @param user     the user name
     * @param password the password (a wrong one makes the broker refuse the authentication)
     * @return {@code bootstrap.servers}, {@code security.protocol}, {@code sasl.mechanism} and {@code sasl.jaas.config}
     * @throws IllegalStateException if the broker was not started by {@link #startWithSaslPlain}
     */
    public Map<String, String> saslPlainClient(String user, String password) {
        return Map.of("bootstrap.servers", saslBootstrapServers(), "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN", "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule"
                        + " required username=\"" + user + "\" password=\"" + password + "\";");
    }

    /**
     * @return the client port
     */
    public int port() {
        return port;
    }

    /**
     * @return the data directory given to {@link #start(Path, int)}
     */
    public Path dataDir() {
        return dataDir;
    }

    /** Shuts the broker down and waits for it; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown();
        server.awaitShutdown();
        LOG.info("Kafka broker on port {} stopped", port);
    }
}
