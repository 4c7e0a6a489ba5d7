package io.chainplan.router.service;

import io.chainplan.local.EmbeddedKafkaBroker;
import io.chainplan.router.client.DispatchClient;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.PlanChain;
import io.chainplan.schemas.avro.PlanHop;
import io.chainplan.schemas.avro.PlanStatus;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.registry.InMemorySchemaRegistry;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.AvroSerializer;
import io.chainplan.schemas.serde.Topics;
import io.chainplan.schemas.testing.SampleRecords;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;

/**
 * Test support for the dispatch-service ITs: fresh topics (unique prefix) per test on a broker of the
 * test class, an in-memory registry shared by the producers and the services, plans and model specs
 * to publish, services and clients.
 */
final class DispatchHarness implements AutoCloseable {
    /** Longest wait for a condition: generous, as the machine is often busy (no test depends on its speed). */
    static final Duration WAIT = Duration.ofMinutes(2);
    static final String MODEL = "llama-2-7b";
    /** Kafka client settings for quick failover: the broker must allow them (see {@link #broker}). */
    static final Map<String, String> FAST_FAILOVER = Map.of("session.timeout.ms", "1500", "heartbeat.interval.ms", "300");
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    final EmbeddedKafkaBroker broker;
    final SchemaRegistry registry = new InMemorySchemaRegistry();
    final Topics topics;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AvroSerializer<org.apache.avro.specific.SpecificRecord> ser;
    private final List<DispatchService> services = new ArrayList<>();

    DispatchHarness(EmbeddedKafkaBroker broker, int leasePartitions) throws Exception {
        this.broker = broker;
        this.topics = Topics.withPrefix("d" + PREFIXES.incrementAndGet() + "-" + System.nanoTime() % 100_000 + ".");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            List<NewTopic> created = new ArrayList<>();
            for (Topics.Spec s : topics.all()) {
                int p = s.name().equals(topics.leases()) ? leasePartitions : 1;
                created.add(new NewTopic(s.name(), p, (short) 1).configs(s.configs()));
            }
            admin.createTopics(created).all().get();
        }
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.ser = new AvroSerializer<>(registry, false);
    }

    /** Server settings that allow {@link #FAST_FAILOVER} and abort timed-out transactions quickly. */
    private static final Map<String, String> FAST_BROKER = Map.of("group.min.session.timeout.ms", "500",
            "transaction.abort.timed.out.transaction.cleanup.interval.ms", "500");

    /** A broker that allows {@link #FAST_FAILOVER} and aborts timed-out transactions quickly. */
    static EmbeddedKafkaBroker broker(String name) throws Exception {
        return EmbeddedKafkaBroker.start(Files.createTempDirectory(name), 0, FAST_BROKER);
    }

    /** As {@link #broker(String)}, with a SASL_PLAINTEXT listener accepting these users (name to password). */
    static EmbeddedKafkaBroker saslBroker(String name, Map<String, String> users) throws Exception {
        return EmbeddedKafkaBroker.startWithSaslPlain(Files.createTempDirectory(name), users, FAST_BROKER);
    }

    /** The broker's PLAINTEXT listener, unless {@code extra} names another {@code bootstrap.servers} (its SASL one). */
    ClientConfig client(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", broker.bootstrapServers());
        m.putAll(extra);
        m.put(Topics.TOPIC_PREFIX_CONFIG, topics.prefix());
        return ClientConfig.of(m);
    }

    /**
     * Starts an instance.
     *
     * @param instance its id
     * @param port     HTTP port, 0 for any
     * @param settings extra {@code chainplan.dispatch.*} settings
     * @param clock    its clock
     * @param hook     its poll hook
     * @return the running service
     */
    DispatchService start(String instance, int port, Map<String, String> settings, InstantSource clock,
                          LeaseSession.PollHook hook) {
        return start(instance, port, settings, clock, hook, Map.of());
    }

    /** As {@link #start(String, int, Map, InstantSource, LeaseSession.PollHook)}, with extra Kafka client settings. */
    DispatchService start(String instance, int port, Map<String, String> settings, InstantSource clock,
                          LeaseSession.PollHook hook, Map<String, String> kafka) {
        Map<String, String> s = new HashMap<>(settings);
        s.put(DispatchConfig.INSTANCE_ID_CONFIG, instance);
        s.put(DispatchConfig.GROUP_ID_CONFIG, "dispatch-" + topics.prefix());
        s.put(DispatchConfig.HTTP_PORT_CONFIG, Integer.toString(port));
        s.put(DispatchConfig.HTTP_HOST_CONFIG, "127.0.0.1");
        s.putIfAbsent(DispatchConfig.EXPIRY_CHECK_INTERVAL_MS_CONFIG, "100");
        s.putIfAbsent(DispatchConfig.TRANSACTION_TIMEOUT_MS_CONFIG, "5000");
        Map<String, String> k = new HashMap<>(FAST_FAILOVER);
        k.putAll(kafka);
        DispatchService d = new DispatchService(client(k), DispatchConfig.from(s), registry,
                new SimpleMeterRegistry(), clock, hook).start();
        services.add(d);
        return d;
    }

    DispatchService start(String instance, Map<String, String> settings) {
        return start(instance, 0, settings, InstantSource.system(), () -> { });
    }

    static DispatchClient client(List<URI> endpoints) {
        return DispatchClient.builder(endpoints).retryFor(WAIT).build();
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Publishes the model's spec (so that it is known without a plan). */
    void modelSpec(String model) throws Exception {
        ModelSpec spec = SampleRecords.modelSpec();
        spec.setId(model);
        send(topics.models(), model, spec);
    }

    /**
     * Publishes an OK plan whose chain {@code k} is one hop on server {@code s<epoch>-<k>} with capacity
     * {@code capacities[k]}, service time {@code 1 + k} s.
     */
    void plan(String model, long epoch, int... capacities) throws Exception {
        List<PlanChain> chains = new ArrayList<>();
        for (int k = 0; k < capacities.length; k++) {
            chains.add(new PlanChain(List.of(new PlanHop("s" + epoch + "-" + k, 0, 32)), capacities[k], 1.0 + k));
        }
        ChainPlan p = SampleRecords.chainPlan();
        p.setModelId(model);
        p.setEpoch(epoch);
        p.setStatus(PlanStatus.OK);
        p.setChains(chains);
        p.setCreatedAtMillis(Instant.now());
        send(topics.plans(), model, p);
    }

    private void send(String topic, String key, org.apache.avro.specific.SpecificRecord value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), ser.serialize(topic, value))).get();
    }

    /**
     * Waits, polling in the test's thread, until {@code condition} holds; fails after {@link #WAIT}.
     */
    static void await(String what, BooleanSupplier condition) {
        Awaitility.await(what).atMost(WAIT).pollInSameThread().pollInterval(Duration.ofMillis(20))
                .until(condition::getAsBoolean);
    }

    /** Waits until {@code d} serves the model on plan {@code epoch}. */
    static void awaitServing(DispatchService d, String model, long epoch) {
        await(d.config().instanceId() + " serves " + model + " on plan " + epoch, () -> {
            try {
                return d.status(model).planEpoch() == epoch;
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    static Path tmp(String name) throws Exception {
        return Files.createTempDirectory(name);
    }

    @Override
    public void close() {
        services.forEach(DispatchService::close);
        producer.close(Duration.ofSeconds(5));
    }

    /** The system clock, which a test can move forward (to expire leases without waiting). */
    static final class ShiftedClock implements InstantSource {
        private final AtomicLong offset = new AtomicLong();

        void advance(Duration d) {
            offset.addAndGet(d.toMillis());
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public long millis() {
            return System.currentTimeMillis() + offset.get();
        }
    }

    /** Two model ids whose leases go to partitions 0 and 1 of a two-partition leases topic. */
    static List<String> modelsOnTwoPartitions() {
        List<String> out = new ArrayList<>(List.of("", ""));
        for (int i = 0; out.contains(""); i++) {
            String m = "model-" + i;
            int p = OwnedModels.partitionOf(m, 2);
            if (out.get(p).isEmpty()) {
                out.set(p, m);
            }
        }
        return out;
    }

    /** A clock the test sets. */
    static final class MutableClock implements InstantSource {
        private final AtomicLong millis = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());

        void advance(Duration d) {
            millis.addAndGet(d.toMillis());
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        @Override
        public long millis() {
            return millis.get();
        }
    }
}
