package io.chainplan.bench;

import io.chainplan.ingest.app.IngestApp;
import io.chainplan.ingest.app.IngestConfig;
import io.chainplan.schemas.avro.HopTiming;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.RequestEventKind;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.local.LocalStack;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.Topics;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * {@code chainplan bench ingest}: request events per second through the ingest application on a
 * running broker, beside the raw produce-and-consume rate of the same broker measured in the same
 * run.
 *
 * <p>Method: first {@code warmup} events through each path, so that the JIT has compiled both
 * before anything is timed; then {@code rounds} measured rounds, each timing N fresh events
 * through the raw path and then N through the application, so that a raw and an application
 * measurement taken under the same machine conditions form a pair. Both paths are timed the same
 * way: from the first send of N pre-serialized events, by one producer shared by both paths and
 * created before anything is timed, until the last one has been consumed (raw: one plain consumer
 * of byte arrays, kept across phases; app: the application's records-in counter reaches the total). The reported ratio is the median of the rounds' app/raw ratios.
 * Each phase also records the process CPU and JIT compilation time it overlapped, which tell
 * whether it ran at steady state.
 *
 * <p>Events: half ARRIVED, half COMPLETED with three hops, over four models and twelve servers,
 * Avro in the Confluent wire format, event times 1 ms apart ending at the start of the run.
 */
public final class IngestBenchmark {
    private static final int MODELS = 4;
    private static final int SERVERS_PER_MODEL = 3;
    private static final long SEED = 7_2026L;
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    /**
     * One partition per topic and one stream thread: on a 2-core machine a second partition and
     * thread halved the application's rate (the broker and the producer need the CPU too).
     */
    private static final int PARTITIONS = 1;

    /**
     * What to run.
     *
     * @param events       N, events per measured phase, {@code >= 1000}
     * @param warmupEvents events through each path before the first measurement, {@code >= 0}
     * @param rounds       measured rounds, {@code >= 1}
     */
    public record Plan(int events, int warmupEvents, int rounds) {
        /** Validates. */
        public Plan {
            if (events < 1000) {
                throw new IllegalArgumentException("events must be >= 1000, was " + events);
            }
            if (warmupEvents < 0) {
                throw new IllegalArgumentException("warm-up events must be >= 0, was " + warmupEvents);
            }
            if (rounds < 1) {
                throw new IllegalArgumentException("rounds must be >= 1, was " + rounds);
            }
        }
    }

    /**
     * One timed phase.
     *
     * @param seconds          wall time
     * @param processCpuSeconds CPU time of the whole process (broker, producer, consumer or app, GC, JIT)
     * @param jitSeconds       JIT compilation time during the phase (background threads)
     */
    public record Phase(double seconds, double processCpuSeconds, double jitSeconds) {
    }

    /**
     * One measured round.
     *
     * @param raw                     the raw produce-and-consume phase
     * @param app                     the produce-through-the-application phase
     * @param streamMicrosPerEvent    CPU time of the application's stream thread per event during {@code app}
     * @param streamBytesPerEvent     bytes the stream thread allocated per event during {@code app}
     */
    public record Round(Phase raw, Phase app, double streamMicrosPerEvent, double streamBytesPerEvent) {
        /** @return app rate / raw rate */
        public double ratio() {
            return raw.seconds() / app.seconds();
        }
    }

    /**
     * The measurement.
     *
     * @param plan                what was run
     * @param processingGuarantee the application's guarantee
     * @param rounds              the measured rounds, in order
     */
    public record Result(Plan plan, String processingGuarantee, List<Round> rounds) {
        /** @return the median raw events per second */
        public double rawPerSecond() {
            return plan.events() / median(rounds.stream().mapToDouble(r -> r.raw().seconds()));
        }

        /** @return the median application events per second */
        public double appPerSecond() {
            return plan.events() / median(rounds.stream().mapToDouble(r -> r.app().seconds()));
        }

        /** @return the median of the rounds' app/raw ratios */
        public double ratio() {
            return median(rounds.stream().mapToDouble(Round::ratio));
        }

        private static double median(java.util.stream.DoubleStream values) {
            double[] v = values.sorted().toArray();
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }
    }

    private IngestBenchmark() {
    }

    /**
     * Runs the warm-up and the rounds on a stack.
     *
     * @param stack    a running local stack (its default topics are not touched: the benchmark uses
     *                 the prefix {@code bench.})
     * @param stateDir Kafka Streams state directory
     * @param plan     sizes
     * @return the rounds
     * @throws InterruptedException if interrupted
     */
    public static Result run(LocalStack stack, Path stateDir, Plan plan) throws InterruptedException {
        Objects.requireNonNull(stack, "stack");
        Objects.requireNonNull(plan, "plan");
        String bootstrap = stack.bootstrapServers();
        Topics topics = Topics.withPrefix("bench.");
        for (Topics.Spec spec : topics.all()) {
            createTopic(bootstrap, spec.name(), PARTITIONS);
        }
        SchemaRegistry registry = stack.schemaRegistryClient();
        EventSource source = new EventSource(topics.requests(), registry,
                (long) plan.warmupEvents() + (long) plan.rounds() * plan.events());
        sendModels(bootstrap, topics, registry);
        ClientConfig client = stack.clientConfig()
                .with(ClientConfig.TOPIC_PREFIX_CONFIG, topics.prefix())
                .with(StreamsConfig.APPLICATION_ID_CONFIG, "chainplan-ingest-bench-" + System.nanoTime())
                .with(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString())
                .with(IngestConfig.METRICS_PORT_CONFIG, "-1")
                .with(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(PARTITIONS));
        IngestConfig config = IngestConfig.of(client);
        try (IngestApp app = IngestApp.start(config, registry);
             Paths paths = new Paths(bootstrap, topics.prefix() + "raw", topics.requests(),
                     () -> (long) app.metrics().count("chainplan.ingest.records.in", "topic", topics.requests()))) {
            if (!app.awaitRunning(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the ingest app did not reach RUNNING: " + app.state());
            }
            if (plan.warmupEvents() > 0) {
                List<ProducerRecord<byte[], byte[]>> warmup = source.next(plan.warmupEvents());
                paths.raw(warmup);
                paths.app(warmup);
            }
            List<Round> rounds = new ArrayList<>();
            for (int r = 0; r < plan.rounds(); r++) {
                List<ProducerRecord<byte[], byte[]>> payload = source.next(plan.events());
                Phase raw = paths.raw(payload);
                StreamThreadUsage before = StreamThreadUsage.now();
                Phase measured = paths.app(payload);
                StreamThreadUsage used = StreamThreadUsage.now().minus(before);
                rounds.add(new Round(raw, measured, used.cpuNanos() / 1e3 / payload.size(),
                        (double) used.allocatedBytes() / payload.size()));
            }
            return new Result(plan, String.valueOf(config.streamsProperties().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)),
                    List.copyOf(rounds));
        }
    }

    /**
     * The two measured paths, sharing one producer (created, and its metadata fetched, before
     * anything is timed): raw sends to a plain topic read back by one byte-array consumer; app
     * sends to the application's input topic and waits for its records-in counter.
     */
    private static final class Paths implements AutoCloseable {
        private final KafkaProducer<byte[], byte[]> producer;
        private final KafkaConsumer<byte[], byte[]> rawConsumer;
        private final String rawTopic;
        private final LongSupplier processed;

        Paths(String bootstrap, String rawTopic, String inputTopic, LongSupplier processed) {
            createTopic(bootstrap, rawTopic, PARTITIONS);
            this.rawTopic = rawTopic;
            this.processed = processed;
            this.producer = producer(bootstrap);
            producer.partitionsFor(rawTopic);
            producer.partitionsFor(inputTopic);
            Map<String, Object> props = new HashMap<>();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
            this.rawConsumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < PARTITIONS; i++) {
                tps.add(new TopicPartition(rawTopic, i));
            }
            rawConsumer.assign(tps);
            rawConsumer.seekToEnd(tps);
            tps.forEach(rawConsumer::position);
        }

        /** Produces the payload to the raw topic while the consumer (on its own thread) reads it back. */
        Phase raw(List<ProducerRecord<byte[], byte[]>> payload) throws InterruptedException {
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(payload.size());
            payload.forEach(r -> records.add(new ProducerRecord<>(rawTopic, r.key(), r.value())));
            AtomicLong received = new AtomicLong();
            Thread consumer = new Thread(() -> {
                while (received.get() < records.size() && !Thread.currentThread().isInterrupted()) {
                    received.addAndGet(rawConsumer.poll(Duration.ofMillis(100)).count());
                }
            }, "bench-raw-consumer");
            Stopwatch watch = Stopwatch.start();
            consumer.start();
            records.forEach(producer::send);
            producer.flush();
            consumer.join(TIMEOUT.toMillis());
            if (received.get() < records.size()) {
                consumer.interrupt();
                consumer.join(TIMEOUT.toMillis());
                throw new IllegalStateException("raw consumer timed out after " + received.get() + " events");
            }
            return watch.stop();
        }

        /** Sends the payload to the application's input topic and waits until it has counted all of it. */
        Phase app(List<ProducerRecord<byte[], byte[]>> payload) throws InterruptedException {
            long target = processed.getAsLong() + payload.size();
            Stopwatch watch = Stopwatch.start();
            payload.forEach(producer::send);
            producer.flush();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (processed.getAsLong() < target) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out: " + processed.getAsLong() + " of " + target + " events processed");
                }
                Thread.sleep(1);
            }
            return watch.stop();
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(10));
            rawConsumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
        }
    }

    /** CPU time and allocated bytes of the application's stream threads so far. */
    private record StreamThreadUsage(long cpuNanos, long allocatedBytes) {
        static StreamThreadUsage now() {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long cpu = 0;
            long bytes = 0;
            for (ThreadInfo t : mx.dumpAllThreads(false, false)) {
                if (t.getThreadName().contains("StreamThread-")) {
                    cpu += Math.max(0, mx.getThreadCpuTime(t.getThreadId()));
                    bytes += mx instanceof com.sun.management.ThreadMXBean sun ? Math.max(0, sun.getThreadAllocatedBytes(t.getThreadId())) : 0;
                }
            }
            return new StreamThreadUsage(cpu, bytes);
        }

        StreamThreadUsage minus(StreamThreadUsage earlier) {
            return new StreamThreadUsage(cpuNanos - earlier.cpuNanos, allocatedBytes - earlier.allocatedBytes);
        }
    }

    /** Wall time, process CPU and JIT time of one phase. */
    private record Stopwatch(long wallNanos, long cpuNanos, long compileMillis) {
        static Stopwatch start() {
            return new Stopwatch(System.nanoTime(), processCpuNanos(), totalCompileMillis());
        }

        Phase stop() {
            return new Phase((System.nanoTime() - wallNanos) / 1e9, (processCpuNanos() - cpuNanos) / 1e9,
                    (totalCompileMillis() - compileMillis) / 1e3);
        }

        private static long processCpuNanos() {
            return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getProcessCpuTime() : 0;
        }

        private static long totalCompileMillis() {
            CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
        }
    }

    private static void createTopic(String bootstrap, String topic, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create " + topic + ": " + e.getCause().getMessage(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating " + topic, e);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 262_144), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void sendModels(String bootstrap, Topics topics, SchemaRegistry registry) {
        var serializer = Topics.valueSerde(ModelSpec.class, registry).serializer();
        try (KafkaProducer<byte[], byte[]> p = producer(bootstrap)) {
            for (int m = 0; m < MODELS; m++) {
                ModelSpec spec = ModelSpec.newBuilder().setId(model(m)).setBlocks(32).setBlockBytes(437_500_000L)
                        .setCacheBytesPerBlockPerJob(33_600_000L).build();
                p.send(new ProducerRecord<>(topics.models(), model(m).getBytes(StandardCharsets.UTF_8),
                        serializer.serialize(topics.models(), spec)));
            }
        }
    }

    private static String model(int m) {
        return "bench-model-" + m;
    }

    /** Request events, pre-serialized in batches; event times 1 ms apart, the last one at creation time. */
    static final class EventSource {
        private final String topic;
        private final Serializer<RequestEvent> serializer;
        private final SplittableRandom random = new SplittableRandom(SEED);
        private final long start;
        private long next;

        EventSource(String topic, SchemaRegistry registry, long total) {
            this.topic = topic;
            this.serializer = Topics.valueSerde(RequestEvent.class, registry).serializer();
            this.start = System.currentTimeMillis() - total;
        }

        /** @return the next n events */
        List<ProducerRecord<byte[], byte[]>> next(int n) {
            List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(n);
            for (int k = 0; k < n; k++, next++) {
                int m = (int) (next % MODELS);
                RequestEvent.Builder b = RequestEvent.newBuilder().setRequestId("q" + next).setModelId(model(m))
                        .setTimestampMillis(Instant.ofEpochMilli(start + next));
                if (next % 2 == 0) {
                    b.setKind(RequestEventKind.ARRIVED).setInputTokens(500 + random.nextInt(3000));
                } else {
                    b.setKind(RequestEventKind.COMPLETED).setOutputTokens(1 + random.nextInt(60)).setHops(hops(m, random));
                }
                out.add(new ProducerRecord<>(topic, model(m).getBytes(StandardCharsets.UTF_8), serializer.serialize(topic, b.build())));
            }
            return out;
        }
    }

    private static List<HopTiming> hops(int m, SplittableRandom random) {
        List<HopTiming> hops = new ArrayList<>(SERVERS_PER_MODEL);
        int[] bounds = {0, 11, 22, 32};
        for (int s = 0; s < SERVERS_PER_MODEL; s++) {
            int blocks = bounds[s + 1] - bounds[s];
            hops.add(HopTiming.newBuilder().setServerId("bench-s" + m + "-" + s).setStartBlock(bounds[s]).setEndBlock(bounds[s + 1])
                    .setComputeSeconds(blocks * 0.15 * (0.9 + 0.2 * random.nextDouble()))
                    .setNetworkSeconds(0.02 * (0.9 + 0.2 * random.nextDouble())).build());
        }
        return hops;
    }
}
