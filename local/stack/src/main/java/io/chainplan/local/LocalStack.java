package io.chainplan.local;

import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.local.registry.EmbeddedSchemaRegistry;
import io.chainplan.schemas.registry.RestSchemaRegistryClient;
import io.chainplan.schemas.serde.Topics;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local chainplan stack in one JVM: an {@link EmbeddedKafkaBroker}, an
 * {@link EmbeddedSchemaRegistry} on its {@code _schemas} topic, and every topic of DESIGN.md 2.2
 * created with its cleanup policy ({@link Topics#all()}). Used by {@code chainplan local} and by
 * integration tests of every module. Other components (services, a simulated fleet) can be
 * attached with {@link #closeOnStop(AutoCloseable)} so that {@link #close()} stops them first,
 * in reverse order.
 */
public final class LocalStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /**
     * How to start the stack.
     *
     * @param dataDir      data directory (the broker's data lives in {@code dataDir/kafka})
     * @param kafkaPort    broker client port, 0 for any free port
     * @param registryPort schema registry HTTP port, 0 for any free port
     * @param fresh        wipe the broker data (including {@code _schemas}) before starting
     * @param topics       topic names to create
     */
    public record Settings(Path dataDir, int kafkaPort, int registryPort, boolean fresh, Topics topics) {
        /** Validates the fields. */
        public Settings {
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(topics, "topics");
            checkPort("kafkaPort", kafkaPort);
            checkPort("registryPort", registryPort);
        }

        /**
         * @param dataDir data directory
         * @return free ports, keep data, default topic names: for tests
         */
        public static Settings ephemeral(Path dataDir) {
            return new Settings(dataDir, 0, 0, false, Topics.defaults());
        }

        private static void checkPort(String name, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(name + " must be in [0, 65535], was " + port);
            }
        }
    }

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final Topics topics;
    private final Duration startupTime;
    private final Deque<AutoCloseable> attached = new ArrayDeque<>();
    private boolean closed;

    private LocalStack(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, Topics topics, Duration startupTime) {
        this.broker = broker;
        this.registry = registry;
        this.topics = topics;
        this.startupTime = startupTime;
    }

    /**
     * Starts broker, registry and topics; returns when all are ready.
     *
     * @param settings how to start
     * @return the running stack
     * @throws LocalStackException with a one-line message if a port is in use, the data dir is not
     *                             writable, or a component fails to start
     */
    public static LocalStack start(Settings settings) {
        return start(settings, Map.of());
    }

    /**
     * Starts the stack with a broker that also has a SASL_PLAINTEXT listener (mechanism PLAIN) accepting
     * exactly the given users ({@link EmbeddedKafkaBroker#startWithSaslPlain}); the registry and the topic
     * set-up use the PLAINTEXT listener. For tests of components on a secured cluster
     * ({@link #saslClientConfig}).
     *
     * @param settings how to start; {@code kafkaPort} must be 0
     * @param users    user name to password, not empty
     * @return the running stack
     * @throws LocalStackException as {@link #start(Settings)}
     */
    public static LocalStack startWithSaslPlain(Settings settings, Map<String, String> users) {
        if (users.isEmpty()) {
            throw new IllegalArgumentException("users must not be empty");
        }
        if (settings.kafkaPort() != 0) {
            throw new IllegalArgumentException("a stack with a SASL listener takes free ports (kafkaPort 0), was "
                    + settings.kafkaPort());
        }
        return start(settings, users);
    }

    private static LocalStack start(Settings settings, Map<String, String> saslUsers) {
        long t0 = System.nanoTime();
        Ports.claim(settings.kafkaPort(), "Kafka");
        Ports.claim(settings.registryPort(), "schema registry");
        if (settings.fresh()) {
            wipe(settings.dataDir().resolve("kafka"));
        }
        EmbeddedKafkaBroker broker = saslUsers.isEmpty() ? EmbeddedKafkaBroker.start(settings.dataDir(), settings.kafkaPort())
                : EmbeddedKafkaBroker.startWithSaslPlain(settings.dataDir(), saslUsers);
        EmbeddedSchemaRegistry registry = null;
        try {
            registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers(), settings.registryPort());
            createTopics(broker.bootstrapServers(), settings.topics());
        } catch (RuntimeException e) {
            if (registry != null) {
                registry.close();
            }
            broker.close();
            throw e instanceof LocalStackException l ? l : new LocalStackException(e.getMessage(), e);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        LOG.info("local stack ready in {} ms: Kafka {}, registry {}", took.toMillis(), broker.bootstrapServers(), registry.url());
        return new LocalStack(broker, registry, settings.topics(), took);
    }

    /**
     * Creates every topic with its cleanup policy; topics that exist are left as they are.
     *
     * @param bootstrapServers Kafka bootstrap servers
     * @param topics           topic names
     */
    public static void createTopics(String bootstrapServers, Topics topics) {
        createTopics(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topics);
    }

    /**
     * Creates every topic with its cleanup policy on any cluster; topics that exist are left as they are.
     *
     * @param adminProps Kafka admin client properties (security settings pass through)
     * @param topics     topic names
     */
    public static void createTopics(Map<String, Object> adminProps, Topics topics) {
        List<NewTopic> newTopics = new ArrayList<>();
        for (Topics.Spec spec : topics.all()) {
            newTopics.add(new NewTopic(spec.name(), Optional.empty(), Optional.empty()).configs(spec.configs()));
        }
        try (Admin admin = Admin.create(adminProps)) {
            CreateTopicsResult result = admin.createTopics(newTopics);
            for (NewTopic t : newTopics) {
                awaitCreated(result, t.name());
            }
            awaitVisible(admin, newTopics.stream().map(NewTopic::name).toList());
        }
    }

    /**
     * Waits until every topic has partitions in the metadata the brokers serve: a created topic reaches
     * the brokers' metadata caches shortly after the controller commits it, and a client that asks in
     * between (a Kafka Streams global store at start-up) finds "no partitions available".
     */
    private static void awaitVisible(Admin admin, List<String> names) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> d = admin.describeTopics(names).allTopicNames()
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (d.values().stream().noneMatch(t -> t.partitions().isEmpty())) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw new LocalStackException("topics not visible: " + e.getCause().getMessage(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new LocalStackException("timed out describing topics " + names, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalStackException("interrupted describing topics", e);
            }
            if (System.nanoTime() > deadline) {
                throw new LocalStackException("topics " + names + " have no partitions after " + TIMEOUT.toSeconds() + " s");
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    private static void awaitCreated(CreateTopicsResult result, String name) {
        try {
            result.values().get(name).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new LocalStackException("cannot create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new LocalStackException("timed out creating topic " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted creating topic " + name, e);
        }
    }

    private static void wipe(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new LocalStackException("cannot wipe " + dir + ": " + e, e);
        }
    }

    /**
     * Attaches a component to stop before the registry and broker; components stop in reverse order.
     *
     * @param component e.g. a service started against this stack
     * @param <T>       its type
     * @return the component
     */
    public synchronized <T extends AutoCloseable> T closeOnStop(T component) {
        if (closed) {
            throw new IllegalStateException("stack is closed");
        }
        attached.push(Objects.requireNonNull(component, "component"));
        return component;
    }

    /** @return the broker */
    public EmbeddedKafkaBroker broker() {
        return broker;
    }

    /** @return the schema registry server */
    public EmbeddedSchemaRegistry registry() {
        return registry;
    }

    /** @return {@code localhost:port} of the broker */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** @return the registry's base URL */
    public String schemaRegistryUrl() {
        return registry.url();
    }

    /** @return the topic names created */
    public Topics topics() {
        return topics;
    }

    /** @return how long {@link #start(Settings)} took */
    public Duration startupTime() {
        return startupTime;
    }

    /**
     * @return client settings for this stack: bootstrap servers, registry URL, topic prefix
     */
    public ClientConfig clientConfig() {
        return ClientConfig.of(Map.of(
                ClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ClientConfig.SCHEMA_REGISTRY_URL_CONFIG, schemaRegistryUrl(),
                ClientConfig.TOPIC_PREFIX_CONFIG, topics.prefix()));
    }

    /**
     * The client settings of a user of the SASL_PLAINTEXT listener: {@link #clientConfig()} with the
     * listener's address and {@link EmbeddedKafkaBroker#saslPlainClient} security settings.
     *
     * @param user     the user name
     * @param password the password (a wrong one makes the broker refuse the authentication)
     * @return the settings
     * @throws IllegalStateException if the stack was not started by {@link #startWithSaslPlain}
     */
    public ClientConfig saslClientConfig(String user, String password) {
        ClientConfig c = clientConfig();
        for (Map.Entry<String, String> e : broker.saslPlainClient(user, password).entrySet()) {
            c = c.with(e.getKey(), e.getValue());
        }
        return c;
    }

    /**
     * @return a REST client of the embedded registry, built as every command builds one
     *         ({@link ClientConfig#schemaRegistry()} of {@link #clientConfig()})
     */
    public RestSchemaRegistryClient schemaRegistryClient() {
        return clientConfig().schemaRegistry();
    }

    /** Stops attached components (newest first), then the registry, then the broker; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!attached.isEmpty()) {
            AutoCloseable c = attached.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("error stopping {}: {}", c, e.toString());
            }
        }
        registry.close();
        broker.close();
    }
}
