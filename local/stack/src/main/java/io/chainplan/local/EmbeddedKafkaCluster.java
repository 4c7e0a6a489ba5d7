package io.chainplan.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real multi-node Kafka cluster in this JVM, for fault tests: {@code n} KRaft processes, each broker and
 * controller (combined mode), from Kafka's own server classes like {@link EmbeddedKafkaBroker}. Every
 * replicated topic defaults to replication {@code min(3, n)} with {@code min.insync.replicas} one less
 * (2 of 3), including the offsets and transaction-state topics. A node can be stopped and started again on
 * the same ports and data (as an operator restarts a broker), and the active controller is found through
 * the quorum's own description. Nodes stop without a controlled shutdown, as a failed node would.
 * <p>Thread-safe for the stop/start calls; close it to shut every node down.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Map<Integer, KafkaConfig> configs;
    private final Map<Integer, Integer> ports;
    private final Map<Integer, KafkaRaftServer> running = new TreeMap<>();

    private EmbeddedKafkaCluster(Map<Integer, KafkaConfig> configs, Map<Integer, Integer> ports) {
        this.configs = configs;
        this.ports = ports;
    }

    /**
     * Formats and starts a cluster of nodes 1..n on free ports.
     *
     * @param dataDir directory for the nodes' data ({@code node-i} under it)
     * @param nodes   how many nodes, {@code >= 1}
     * @return the running cluster, every node registered
     * @throws LocalStackException if a node fails to start
     */
    public static EmbeddedKafkaCluster start(Path dataDir, int nodes) {
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes must be >= 1, was " + nodes);
        }
        long startNanos = System.nanoTime();
        Map<Integer, Integer> clientPorts = new TreeMap<>();
        Map<Integer, Integer> controllerPorts = new TreeMap<>();
        for (int id = 1; id <= nodes; id++) {
            clientPorts.put(id, Ports.claim(0, "Kafka"));
            controllerPorts.put(id, Ports.claim(0, "Kafka controller"));
        }
        String voters = controllerPorts.entrySet().stream().map(e -> e.getKey() + "@localhost:" + e.getValue())
                .collect(Collectors.joining(","));
        String clusterId = Uuid.randomUuid().toString();
        String replication = Integer.toString(Math.min(3, nodes));
        String minIsr = Integer.toString(Math.max(1, Math.min(3, nodes) - 1));
        Map<Integer, KafkaConfig> configs = new TreeMap<>();
        for (int id = 1; id <= nodes; id++) {
            Path logDir = EmbeddedKafkaBroker.writableDir(dataDir.resolve("node-" + id));
            Map<String, String> p = EmbeddedKafkaBroker.serverProperties(logDir, clientPorts.get(id), controllerPorts.get(id));
            p.put("node.id", Integer.toString(id));
            p.put("controller.quorum.voters", voters);
            p.put("default.replication.factor", replication);
            p.put("min.insync.replicas", minIsr);
            p.put("offsets.topic.replication.factor", replication);
            p.put("transaction.state.log.replication.factor", replication);
            p.put("transaction.state.log.min.isr", minIsr);
            p.put("share.coordinator.state.topic.replication.factor", replication);
            p.put("share.coordinator.state.topic.min.isr", minIsr);
            // a stopped node leaves as a failed one does (its leaderships move after the broker session
            // timeout), and the last node of a closing cluster does not wait for a quorum that is gone
            p.put("controlled.shutdown.enable", "false");
            EmbeddedKafkaBroker.formatIfNeeded(logDir, id, clusterId);
            configs.put(id, new KafkaConfig(p, false));
        }
        EmbeddedKafkaCluster cluster = new EmbeddedKafkaCluster(configs, clientPorts);
        try {
            cluster.startNodes(new ArrayList<>(configs.keySet()));
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        LOG.info("Kafka cluster of {} nodes ready on {} in {} ms", nodes, cluster.bootstrapServers(),
                Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
        return cluster;
    }

    /** Starts the nodes concurrently: a combined node's start-up waits for a quorum of controllers. */
    private void startNodes(List<Integer> ids) {
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (int id : ids) {
            KafkaRaftServer server = new KafkaRaftServer(configs.get(id), Time.SYSTEM);
            synchronized (this) {
                running.put(id, server);
            }
            started.add(CompletableFuture.runAsync(server::startup));
        }
        try {
            CompletableFuture.allOf(started.toArray(CompletableFuture[]::new))
                    .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new LocalStackException("Kafka node failed to start: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new LocalStackException("Kafka nodes " + ids + " not started after " + START_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while starting Kafka nodes", e);
        }
    }

    /**
     * @return {@code localhost:p1,localhost:p2,...} of every node, running or not
     */
    public String bootstrapServers() {
        return ports.values().stream().map(p -> "localhost:" + p).collect(Collectors.joining(","));
    }

    /**
     * @return the ids of the nodes running now
     */
    public synchronized List<Integer> runningNodes() {
        return List.copyOf(running.keySet());
    }

    /**
     * @return the id of the quorum's leader, the active controller
     * @throws LocalStackException if the quorum cannot be described
     */
    public int activeController() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            return admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).leaderId();
        } catch (ExecutionException | TimeoutException e) {
            throw new LocalStackException("cannot describe the metadata quorum: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted describing the metadata quorum", e);
        }
    }

    /**
     * Shuts a node down cleanly and waits for it (its data stays).
     *
     * @param id the node
     * @throws IllegalStateException if it is not running
     */
    public void stop(int id) {
        KafkaRaftServer server;
        synchronized (this) {
            server = running.remove(id);
        }
        if (server == null) {
            throw new IllegalStateException("node " + id + " is not running");
        }
        server.shutdown();
        server.awaitShutdown();
        LOG.info("Kafka node {} stopped", id);
    }

    /**
     * Starts a stopped node again on its ports and data.
     *
     * @param id the node
     * @throws IllegalStateException if it is running
     */
    public void restart(int id) {
        synchronized (this) {
            if (running.containsKey(id)) {
                throw new IllegalStateException("node " + id + " is running");
            }
        }
        startNodes(List.of(id));
        LOG.info("Kafka node {} started again", id);
    }

    /** Shuts every running node down; idempotent. */
    @Override
    public void close() {
        for (int id : runningNodes()) {
            stop(id);
        }
    }
}
