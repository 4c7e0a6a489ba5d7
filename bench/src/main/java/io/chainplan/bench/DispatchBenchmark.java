package io.chainplan.bench;

import io.chainplan.local.EmbeddedKafkaBroker;
import io.chainplan.local.LocalStack;
import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.router.client.DispatchClient;
import io.chainplan.router.client.RemoteLease;
import io.chainplan.router.dispatch.Dispatcher;
import io.chainplan.router.dispatch.Lease;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.router.policy.JffcDispatchPolicy;
import io.chainplan.router.service.DispatchConfig;
import io.chainplan.router.service.DispatchService;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.PlanChain;
import io.chainplan.schemas.avro.PlanHop;
import io.chainplan.schemas.avro.PlanInputs;
import io.chainplan.schemas.avro.PlanStatus;
import io.chainplan.schemas.avro.PlanTrigger;
import io.chainplan.schemas.avro.SolverStats;
import io.chainplan.schemas.avro.TriggerKind;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.registry.InMemorySchemaRegistry;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.AvroSerializer;
import io.chainplan.schemas.serde.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The dispatch service's acquire + release round trip over HTTP on localhost, with every lease
 * recorded on {@code chainplan.leases} of an in-process broker before it is answered, beside the
 * embedded {@link Dispatcher} measured in the same run (issue 14's goal: p99 under 10 ms at 1,000
 * leases/s).
 * <ul>
 *   <li>Warm-up: open loop, unmeasured for the goal, until the JIT compiler has settled ({@link #warmUp});
 *       its latencies are a row of their own, the service's first minute.</li>
 *   <li>Open loop: one acquire + release is due at each tick of a fixed schedule of {@code rate}
 *       leases/s; {@value #OPEN_LOOP_THREADS} client threads each take the next due round trip when they
 *       are free (enough for 1,000/s at 64 ms a round trip, so a slow answer does not delay the next
 *       start); latency runs from the scheduled start to the end of the release (a stall shows in the
 *       tail: no coordinated omission).</li>
 *   <li>Closed loop: {@code threads} threads acquire and release back to back for a while: sustained
 *       leases/s.</li>
 * </ul>
 * The plan has enough capacity that no request waits for a chain: what is measured is the service.
 */
public final class DispatchBenchmark {
    private static final String KAFKA_ONLY_CLIENT_ID = "chainplan-bench-kafka-only";
    private static final String MODEL = "bench-model";
    private static final String WRITES = "chainplan-bench-writes";
    private static final String KAFKA_ONLY = "Kafka only (2 produces)";
    /** About the size of a HELD record of {@code chainplan.leases}. */
    private static final int LEASE_RECORD_BYTES = 200;
    /** A warm-up round, after the least warm-up: see {@link #warmUp}. */
    static final Duration WARMUP_ROUND = Duration.ofSeconds(5);
    /** The JIT compiler is settled once it worked less than this share of a warm-up round's wall time. */
    static final double SETTLED_COMPILE_SHARE = 0.05;
    /** The longest warm-up of one path. */
    static final Duration MAX_WARMUP = Duration.ofMinutes(3);
    /** Client threads of the open loop. */
    static final int OPEN_LOOP_THREADS = 64;
    /**
     * The broker's retry back-off for adding a partition to a transaction while the previous
     * transaction's markers are still being written (Kafka's default is 20 ms, which puts a floor of
     * about 20 ms under back-to-back transactions of one producer). The lease log no longer writes
     * transactions (only a takeover registers the earlier versions' transactional id once), so this
     * only keeps the broker as earlier runs of this benchmark had it.
     */
    public static final Map<String, String> BROKER = Map.of("add.partitions.to.txn.retry.backoff.ms", "1");

    private DispatchBenchmark() {
    }

    /**
     * Settings.
     *
     * @param ratePerSecond  open-loop rate, leases/s
     * @param leases         measured leases of the open loop
     * @param warmupLeases   open-loop leases first, not measured
     * @param threads        client threads
     * @param throughputFor  length of the closed loop
     */
    public record Settings(double ratePerSecond, int leases, int warmupLeases, int threads, Duration throughputFor) {
        /** Validates. */
        public Settings {
            if (!(ratePerSecond > 0) || leases < 1 || warmupLeases < 0 || threads < 1) {
                throw new IllegalArgumentException("need rate > 0, leases >= 1, warmup >= 0, threads >= 1, were "
                        + ratePerSecond + ", " + leases + ", " + warmupLeases + ", " + threads);
            }
            Objects.requireNonNull(throughputFor, "throughputFor");
        }
    }

    /**
     * One measured path and load.
     *
     * @param path            {@code service (HTTP + Kafka)} or {@code embedded Dispatcher}
     * @param load            {@code open loop at R/s} or {@code closed loop, T threads}
     * @param leases          leases measured
     * @param p50Millis       median round trip
     * @param p99Millis       99th percentile
     * @param p999Millis      99.9th percentile
     * @param maxMillis       slowest
     * @param leasesPerSecond leases completed per second of the phase
     */
    public record Row(String path, String load, long leases, double p50Millis, double p99Millis, double p999Millis,
                      double maxMillis, double leasesPerSecond) {
    }

    /** One way to take and give back a lease. */
    private interface LeasePath {
        void roundTrip() throws Exception;
    }

    /**
     * Runs both paths.
     *
     * @param s   the settings
     * @param log progress lines
     * @return the rows: service open loop, service closed loop, service warm-up, HTTP only (open loop), Kafka
     *         only (open loop: the lease log's two acknowledged produces per lease, nothing else), embedded open
     *         loop, embedded closed loop, embedded warm-up
     * @throws Exception if the broker or service cannot start
     */
    public static List<Row> run(Settings s, Consumer<String> log) throws Exception {
        Path dir = Files.createTempDirectory("chainplan-bench-dispatch");
        List<Row> rows = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0, BROKER)) {
            Topics topics = Topics.defaults();
            LocalStack.createTopics(broker.bootstrapServers(), topics);
            SchemaRegistry registry = new InMemorySchemaRegistry();
            List<Chain> chains = chains();
            publishPlan(broker, topics, registry, chains);
            ClientConfig client = ClientConfig.of(Map.of("bootstrap.servers", broker.bootstrapServers()));
            DispatchConfig config = DispatchConfig.from(Map.of(DispatchConfig.INSTANCE_ID_CONFIG, "bench",
                    DispatchConfig.HTTP_PORT_CONFIG, "0", DispatchConfig.HTTP_HOST_CONFIG, "127.0.0.1",
                    DispatchConfig.METRICS_PORT_CONFIG, "-1"));
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            try (DispatchService service = new DispatchService(client, config, registry, meters,
                    InstantSource.system()).start()) {
                DispatchClient c = DispatchClient.builder(List.of(service.uri())).retryFor(Duration.ofMinutes(2)).build();
                c.release(c.acquire(MODEL, Duration.ZERO));
                log.accept("service ready on " + service.uri());
                LeasePath http = () -> {
                    RemoteLease l = c.acquire(MODEL, Duration.ofSeconds(10));
                    c.release(l);
                };
                rows.addAll(measure("service (HTTP + Kafka)", http, s, log));
                log.accept("lease log: " + service.metrics().logSummary());
                log.accept("service's answers: " + answers(meters));
                log.accept("lease log's producer: " + producerSummary(config.clientIdPrefix() + "-writer"));
                java.net.http.HttpClient plain = java.net.http.HttpClient.newBuilder()
                        .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
                java.net.http.HttpRequest status = java.net.http.HttpRequest.newBuilder(
                        service.uri().resolve("/v1/models/" + MODEL)).build();
                LeasePath httpOnly = () -> {
                    if (plain.send(status, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode() != 200) {
                        throw new IllegalStateException("status failed");
                    }
                };
                warmUp("HTTP only (GET status)", httpOnly, s, log);
                rows.add(openLoop("HTTP only (GET status)", httpOnly, s, s.leases()));
                try (KafkaProducer<byte[], byte[]> writes = durableProducer(broker)) {
                    LeasePath kafkaOnly = () -> {
                        writes.send(new ProducerRecord<>(WRITES, 0, null, new byte[LEASE_RECORD_BYTES])).get();
                        writes.send(new ProducerRecord<>(WRITES, 0, null, null)).get();
                    };
                    warmUp(KAFKA_ONLY, kafkaOnly, s, log);
                    rows.add(openLoop(KAFKA_ONLY, kafkaOnly, s, s.leases()));
                    log.accept("Kafka only producer: " + producerSummary(KAFKA_ONLY_CLIENT_ID));
                }
            }
            Dispatcher d = Dispatcher.builder(MODEL, new JffcDispatchPolicy()).build();
            d.apply(new RoutingPlan(MODEL, 1, chains));
            LeasePath embedded = () -> {
                Lease l = d.acquire(Duration.ofSeconds(10));
                d.release(l);
            };
            rows.addAll(measure("embedded Dispatcher", embedded, s, log));
        } finally {
            deleteQuietly(dir);
        }
        return rows;
    }

    /** @return each status and error the service answered with, and how often (client retries show here) */
    private static String answers(SimpleMeterRegistry meters) {
        return meters.find("chainplan.dispatch.http.responses").counters().stream()
                .map(c -> c.getId().getTag("status") + " " + c.getId().getTag("error") + " x " + Math.round(c.count()))
                .sorted().collect(Collectors.joining(", "));
    }

    /**
     * A producer's own averages over its last minute or so (Kafka's metric windows), from its JMX beans:
     * records per produce request, the time a record waits in the producer before it is sent, and a produce
     * request's round trip to the broker. They tell waiting in the client from waiting for the broker.
     *
     * @param clientId the producer's {@code client.id}
     * @return one line
     */
    static String producerSummary(String clientId) {
        try {
            MBeanServer beans = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("kafka.producer:type=producer-metrics,client-id=" + clientId);
            return String.format(Locale.ROOT, "%.2f records per produce request, %.2f ms waiting in the producer, "
                            + "%.2f ms per produce round trip (means over the last minute)",
                    (Double) beans.getAttribute(name, "records-per-request-avg"),
                    (Double) beans.getAttribute(name, "record-queue-time-avg"),
                    (Double) beans.getAttribute(name, "request-latency-avg"));
        } catch (JMException e) {
            return "no metrics for producer " + clientId + " (" + e.getMessage() + ")";
        }
    }

    /**
     * An idempotent {@code acks=all} producer like the lease log's, for the Kafka-only row: two
     * acknowledged produces per round trip (a grant and a release), without HTTP or the reader.
     */
    private static KafkaProducer<byte[], byte[]> durableProducer(EmbeddedKafkaBroker broker) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(WRITES, 1, (short) 1))).all().get();
        }
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.CLIENT_ID_CONFIG, KAFKA_ONLY_CLIENT_ID),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static List<Chain> chains() {
        List<Chain> out = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            out.add(new Chain(List.of(new Hop("gpu-" + k + "a", 0, 16), new Hop("gpu-" + k + "b", 16, 32)), 64, 1.0 + k));
        }
        return out;
    }

    private static List<Row> measure(String name, LeasePath path, Settings s, Consumer<String> log) throws Exception {
        Row warmup = warmUp(name, path, s, log);
        Row open = openLoop(name, path, s, s.leases());
        log.accept(name + ": open loop done");
        Row closed = closedLoop(name, path, s);
        log.accept(name + ": closed loop done");
        return List.of(open, closed, warmup);
    }

    /**
     * Unmeasured open-loop leases until the JIT compiler has settled: at least {@code s.warmupLeases()},
     * then rounds of {@link #WARMUP_ROUND} until, in one round, the compiler threads worked less than
     * {@link #SETTLED_COMPILE_SHARE} of the round's wall time (the JVM's {@link CompilationMXBean}), for at
     * most {@link #MAX_WARMUP}. The goal is about a service that runs for days; until the compiler settles,
     * its threads take a third to three quarters of one of this machine's two cores (top -H during the
     * first minute of the service path, 2026-12-02), and the service's p99 is several times its steady one.
     *
     * @return the warm-up's own latencies, as a row
     */
    private static Row warmUp(String name, LeasePath path, Settings s, Consumer<String> log) throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
        Histogram h = new ConcurrentHistogram(Duration.ofMinutes(1).toNanos(), 3);
        long start = System.nanoTime();
        long leases = s.warmupLeases();
        openLoop(path, s, s.warmupLeases(), h);
        int round = (int) Math.max(1, Math.round(s.ratePerSecond() * WARMUP_ROUND.toNanos() / 1e9));
        double share = 0;
        while (timed && System.nanoTime() - start < MAX_WARMUP.toNanos()) {
            long compiled = jit.getTotalCompilationTime();
            long t0 = System.nanoTime();
            openLoop(path, s, round, h);
            leases += round;
            share = (jit.getTotalCompilationTime() - compiled) / ((System.nanoTime() - t0) / 1e6);
            if (share < SETTLED_COMPILE_SHARE) {
                break;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        log.accept(String.format(Locale.ROOT, "%s: warmed up with %d leases in %.0f s (%s)", name, leases, seconds,
                !timed ? "the JVM does not time its compiler" : share < SETTLED_COMPILE_SHARE
                        ? String.format(Locale.ROOT, "JIT compiling %.1f%% of the last round", 100 * share)
                        : String.format(Locale.ROOT, "JIT still compiling %.1f%% after %s", 100 * share, MAX_WARMUP)));
        return row(name, "warm-up (JIT compiling)", h, h.getTotalCount() / seconds);
    }

    private static Row openLoop(String name, LeasePath path, Settings s, int leases) throws Exception {
        Histogram h = new ConcurrentHistogram(Duration.ofMinutes(1).toNanos(), 3);
        double seconds = openLoop(path, s, leases, h);
        return row(name, String.format(java.util.Locale.ROOT, "open loop at %.0f/s", s.ratePerSecond()), h,
                h.getTotalCount() / seconds);
    }

    /** @return the loop's wall time, s; each round trip's latency from its scheduled start is added to {@code h} */
    private static double openLoop(LeasePath path, Settings s, int leases, Histogram h) throws Exception {
        long intervalNanos = Math.round(1e9 / s.ratePerSecond());
        long start = System.nanoTime() + Duration.ofMillis(20).toNanos();
        AtomicLong next = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < OPEN_LOOP_THREADS; t++) {
            threads.add(daemon(() -> {
                for (long i = next.getAndIncrement(); i < leases; i = next.getAndIncrement()) {
                    long due = start + i * intervalNanos;
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                    }
                    try {
                        path.roundTrip();
                        h.recordValue(Math.max(0, System.nanoTime() - due));
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        check(failures);
        return (System.nanoTime() - start) / 1e9;
    }

    private static Row closedLoop(String name, LeasePath path, Settings s) throws Exception {
        Histogram h = new ConcurrentHistogram(Duration.ofMinutes(1).toNanos(), 3);
        long start = System.nanoTime();
        long end = start + s.throughputFor().toNanos();
        AtomicLong failures = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < s.threads(); t++) {
            threads.add(daemon(() -> {
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                        path.roundTrip();
                        h.recordValue(System.nanoTime() - t0);
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        check(failures);
        return row(name, "closed loop, " + s.threads() + " threads", h,
                h.getTotalCount() / ((System.nanoTime() - start) / 1e9));
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "chainplan-bench-dispatch");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void check(AtomicLong failures) {
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " round trips failed");
        }
    }

    private static Row row(String path, String load, Histogram h, double perSecond) {
        return new Row(path, load, h.getTotalCount(), h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
                h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6, perSecond);
    }

    private static void publishPlan(EmbeddedKafkaBroker broker, Topics topics, SchemaRegistry registry, List<Chain> chains)
            throws Exception {
        ModelSpec spec = ModelSpec.newBuilder().setId(MODEL).setBlocks(32).setBlockBytes(437_500_000L)
                .setCacheBytesPerBlockPerJob(33_600_000L).build();
        List<PlanChain> planChains = chains.stream().map(c -> new PlanChain(c.hops().stream()
                .map(h -> new PlanHop(h.serverId(), h.startBlock(), h.endBlock())).toList(), c.capacity(),
                c.serviceSeconds())).toList();
        ChainPlan plan = ChainPlan.newBuilder().setEpoch(1).setModelId(MODEL).setCreatedAtMillis(Instant.now())
                .setTrigger(new PlanTrigger(TriggerKind.MANUAL, "bench")).setStatus(PlanStatus.OK)
                .setInputs(PlanInputs.newBuilder().setModel(spec).setServers(List.of()).setArrivalRatePerSecond(1.0)
                        .build())
                .setC(1).setArrivalRate(1.0).setPlacements(List.of()).setChains(planChains)
                .setSolver(new SolverStats(0.0, "manual", 0, 0)).build();
        AvroSerializer<org.apache.avro.specific.SpecificRecord> ser = new AvroSerializer<>(registry, false);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            byte[] key = MODEL.getBytes(StandardCharsets.UTF_8);
            p.send(new ProducerRecord<>(topics.models(), key, ser.serialize(topics.models(), spec))).get();
            p.send(new ProducerRecord<>(topics.plans(), key, ser.serialize(topics.plans(), plan))).get();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
