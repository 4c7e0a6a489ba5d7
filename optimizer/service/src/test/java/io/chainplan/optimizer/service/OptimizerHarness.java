package io.chainplan.optimizer.service;

import io.chainplan.local.EmbeddedKafkaBroker;
import io.chainplan.optimizer.audit.PlanLog;
import io.chainplan.optimizer.replan.PaperSolver;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.ServerStatus;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.registry.InMemorySchemaRegistry;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.AvroDeserializer;
import io.chainplan.schemas.serde.AvroSerializer;
import io.chainplan.schemas.serde.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;

/**
 * Test support for the optimizer ITs: one broker per test class, fresh topics (unique prefix) per
 * test, an in-memory registry shared by producers and the service, a settable clock, and
 * helpers that produce estimates and read plans and dead letters.
 */
final class OptimizerHarness implements AutoCloseable {
    /** Longest wait for a condition: generous, as the machine is often busy (no test depends on its speed). */
    static final Duration WAIT = Duration.ofMinutes(2);
    static final String MODEL = "bloom-176b";
    static final int SERVERS = 12;
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    /** {@code bootstrap.servers} of the broker or cluster under test. */
    final String bootstrap;
    final SchemaRegistry registry;
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    final Topics topics;
    final String group;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AvroSerializer<org.apache.avro.specific.SpecificRecord> ser;

    OptimizerHarness(EmbeddedKafkaBroker broker, int partitions) throws Exception {
        this(broker, partitions, new InMemorySchemaRegistry());
    }

    /** @param registry the registry producers (and {@link #service}) use, e.g. a REST client of a real server */
    OptimizerHarness(EmbeddedKafkaBroker broker, int partitions, SchemaRegistry registry) throws Exception {
        this(broker.bootstrapServers(), partitions, registry, (short) 1, Map.of());
    }

    /**
     * @param bootstrap   {@code bootstrap.servers} of a broker or cluster
     * @param partitions  demand-estimates partitions
     * @param registry    the registry producers (and {@link #service}) use
     * @param replication the topics' replication factor
     * @param producerProps extra properties of the input producer (e.g. acks, retries for a fault test)
     */
    OptimizerHarness(String bootstrap, int partitions, SchemaRegistry registry, short replication,
            Map<String, Object> producerProps) throws Exception {
        this.bootstrap = bootstrap;
        this.registry = registry;
        int n = PREFIXES.incrementAndGet();
        this.topics = Topics.withPrefix("it" + n + "-" + System.nanoTime() % 100_000 + ".");
        this.group = "optimizer-" + topics.prefix();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            List<NewTopic> created = new ArrayList<>();
            for (Topics.Spec s : topics.all()) {
                int p = s.name().equals(topics.demandEstimates()) ? partitions : 1;
                created.add(new NewTopic(s.name(), p, replication).configs(s.configs()));
            }
            admin.createTopics(created).all().get();
        }
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.putAll(producerProps);
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.ser = new AvroSerializer<>(registry, false);
    }

    ClientConfig client() {
        return client(Map.of());
    }

    /** @param kafka extra Kafka client properties (e.g. session.timeout.ms; bootstrap.servers overrides the broker's) */
    ClientConfig client(Map<String, String> kafka) {
        Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", bootstrap);
        m.putAll(kafka);
        m.put(Topics.TOPIC_PREFIX_CONFIG, topics.prefix());
        return ClientConfig.of(m);
    }

    OptimizerConfig config(String instance, Map<String, String> extra) {
        Map<String, String> m = new HashMap<>();
        m.put(OptimizerConfig.INSTANCE_ID_CONFIG, instance);
        m.put(OptimizerConfig.GROUP_ID_CONFIG, group);
        m.put(OptimizerConfig.MIN_INTERVAL_MS_CONFIG, "0");
        m.put(OptimizerConfig.POLL_MS_CONFIG, "20");
        m.put(OptimizerConfig.COMMIT_INTERVAL_MS_CONFIG, "50");
        m.put(OptimizerConfig.TRANSACTION_TIMEOUT_MS_CONFIG, "10000");
        m.putAll(extra);
        return OptimizerConfig.from(m);
    }

    OptimizerService service(String instance, Map<String, String> extra, CrashHook crash) {
        return service(instance, extra, Map.of(), crash, new OptimizerMetrics(new SimpleMeterRegistry()));
    }

    OptimizerService service(String instance, Map<String, String> extra, Map<String, String> kafka, CrashHook crash,
                             OptimizerMetrics metrics) {
        return service(instance, extra, kafka, crash, metrics, new PaperSolver(1));
    }

    OptimizerService service(String instance, Map<String, String> extra, Map<String, String> kafka, CrashHook crash,
                             OptimizerMetrics metrics, io.chainplan.optimizer.replan.Solver solver) {
        return new OptimizerService(client(kafka), config(instance, extra), registry, solver, clock, metrics, crash)
                .start();
    }

    // ------------------------------------------------------------------ inputs

    void send(String topic, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value))
                .get();
    }

    void model() throws Exception {
        model(MODEL);
    }

    void model(String id) throws Exception {
        model(ModelSpec.newBuilder().setId(id).setBlocks(70).setBlockBytes(1_320_000_000L)
                .setCacheBytesPerBlockPerJob(110_000_000L).build());
    }

    void model(ModelSpec spec) throws Exception {
        send(topics.models(), spec.getId(), ser.serialize(topics.models(), spec));
    }

    /** @param spec written to the accepted-models topic, as telemetry-ingest writes each good spec */
    void acceptedModel(ModelSpec spec) throws Exception {
        send(topics.acceptedModels(), spec.getId(), ser.serialize(topics.acceptedModels(), spec));
    }

    /** The fleet of {@link #fleet()} without model ids: every server serves every model. */
    void sharedFleet() throws Exception {
        for (int i = 0; i < SERVERS; i++) {
            boolean big = i < 3;
            server(ServerEstimate.newBuilder().setServerId(serverId(i)).setModelId(null)
                    .setTimestampMillis(Instant.ofEpochMilli(clock.millis()))
                    .setMemoryBytes(big ? 40_000_000_000L : 20_000_000_000L)
                    .setCommSeconds(0.05 + 0.01 * i).setPerBlockComputeSeconds(big ? 0.109 : 0.175)
                    .setStatus(ServerStatus.UP).setLastSeenMillis(Instant.ofEpochMilli(clock.millis())).build());
        }
    }

    /** BLOOM-176B on three 40 GB and nine 20 GB servers (DESIGN.md §1.3 simulation setting, J = 12). */
    void fleet() throws Exception {
        for (int i = 0; i < SERVERS; i++) {
            server(i, ServerStatus.UP);
        }
    }

    void server(int i, ServerStatus status) throws Exception {
        boolean big = i < 3;
        server(ServerEstimate.newBuilder().setServerId(serverId(i)).setModelId(MODEL)
                .setTimestampMillis(Instant.ofEpochMilli(clock.millis()))
                .setMemoryBytes(big ? 40_000_000_000L : 20_000_000_000L)
                .setCommSeconds(0.05 + 0.01 * i).setPerBlockComputeSeconds(big ? 0.109 : 0.175)
                .setStatus(status).setLastSeenMillis(Instant.ofEpochMilli(clock.millis())).build());
    }

    void server(ServerEstimate e) throws Exception {
        send(topics.serverEstimates(), e.getServerId(), ser.serialize(topics.serverEstimates(), e));
    }

    static String serverId(int i) {
        return String.format("gpu-%02d", i);
    }

    void demand(double rate, double halfWidth) throws Exception {
        demand(MODEL, rate, rate - halfWidth, rate + halfWidth);
    }

    void demand(String model, double rate, double lower, double upper) throws Exception {
        DemandEstimate e = DemandEstimate.newBuilder().setModelId(model)
                .setTimestampMillis(Instant.ofEpochMilli(clock.millis())).setArrivalRatePerSecond(rate)
                .setLowerPerSecond(lower).setUpperPerSecond(upper).setWindowSeconds(60).setArrivals(100).build();
        send(topics.demandEstimates(), model, ser.serialize(topics.demandEstimates(), e));
    }

    // ------------------------------------------------------------------ outputs

    List<ChainPlan> plans() {
        return PlanLog.read(Map.of("bootstrap.servers", bootstrap), topics.plans(),
                new AvroDeserializer<>(ChainPlan.class, registry), k -> true, WAIT).plans();
    }

    List<ConsumerRecord<byte[], byte[]>> deadLetters() {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topics.deadLetters(), 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            while (c.position(tp) < end) {
                c.poll(Duration.ofMillis(100)).forEach(out::add);
            }
            return out;
        }
    }

    /** @return whether the group has committed every demand estimate produced so far */
    boolean demandCommitted() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> done =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(
                    Map.of("bootstrap.servers", bootstrap), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> parts = c.partitionsFor(topics.demandEstimates()).stream()
                        .map(i -> new TopicPartition(topics.demandEstimates(), i.partition())).toList();
                Map<TopicPartition, Long> end = c.endOffsets(parts);
                return parts.stream().allMatch(tp -> end.get(tp) == 0
                        || (done.get(tp) != null && done.get(tp).offset() >= end.get(tp)));
            }
        }
    }

    /**
     * @param count number of ids
     * @param partitions demand-estimates partitions
     * @return model ids spread evenly over the partitions (Kafka's default key partitioning)
     */
    static List<String> modelsSpreadOver(int count, int partitions) {
        List<String> out = new ArrayList<>();
        int[] per = new int[partitions];
        for (int i = 0; out.size() < count; i++) {
            String id = "model-" + i;
            int p = partition(id, partitions);
            if (per[p] < count / partitions) {
                per[p]++;
                out.add(id);
            }
        }
        return out;
    }

    static int partition(String key, int partitions) {
        return org.apache.kafka.common.utils.Utils.toPositive(
                org.apache.kafka.common.utils.Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /**
     * Waits, polling in the test's thread, until {@code condition} holds; fails after {@link #WAIT}.
     *
     * @param what      what is awaited, for the failure message
     * @param condition the condition
     */
    static void await(String what, BooleanSupplier condition) {
        Awaitility.await(what).atMost(WAIT).pollInSameThread().pollInterval(Duration.ofMillis(20))
                .until(condition::getAsBoolean);
    }

    List<ChainPlan> awaitPlans(int count) {
        List<List<ChainPlan>> last = new ArrayList<>(List.of(List.of()));
        await(count + " plans", () -> {
            last.set(0, plans());
            return last.get(0).size() >= count;
        });
        return last.get(0);
    }

    void awaitDemandCommitted() {
        await("demand offsets committed", () -> {
            try {
                return demandCommitted();
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /** A clock the test sets. */
    static final class MutableClock implements InstantSource {
        private final AtomicLong millis;

        MutableClock(long start) {
            millis = new AtomicLong(start);
        }

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

    static Path tmp(String name) throws Exception {
        return java.nio.file.Files.createTempDirectory(name);
    }
}
