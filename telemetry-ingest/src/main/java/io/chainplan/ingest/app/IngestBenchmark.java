package io.chainplan.ingest.app;

import io.chainplan.schemas.avro.HopTiming;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.RequestEventKind;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.local.LocalStack;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.Topics;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * {@code chainplan bench ingest}: request events per second through the ingest application on a
 * running broker, beside the raw produce-and-consume rate of the same broker measured in the same
 * run. Both rates are timed the same way: from the first send of N pre-serialized events (same
 * producer settings) until the last one has been consumed (raw: a plain consumer of byte arrays;
 * app: the application's records-in counter reaches N), after a warm-up of N/5 (at most 50,000)
 * events through each path. Events: half ARRIVED, half COMPLETED with
 * three hops, over four models and twelve servers, Avro in the Confluent wire format, event times
 * 1000 per second ending now.
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
    /** Events sent through each path before measuring, so that the JIT has compiled the hot code. */
    private static final int MAX_WARMUP = 50_000;

    /**
     * The measurement.
     *
     * @param events           N
     * @param rawSeconds       raw produce-and-consume time
     * @param appSeconds       produce-and-process time through the application
     * @param processingGuarantee the application's guarantee
     * @param streamThreadCpuSeconds CPU time of the application's stream threads during its measurement
     */
    public record Result(long events, double rawSeconds, double appSeconds, String processingGuarantee,
                         double streamThreadCpuSeconds) {
        /** @return raw events per second */
        public double rawPerSecond() {
            return events / rawSeconds;
        }

        /** @return application events per second */
        public double appPerSecond() {
            return events / appSeconds;
        }

        /** @return app rate / raw rate */
        public double ratio() {
            return rawSeconds / appSeconds;
        }
    }

    private IngestBenchmark() {
    }

    /**
     * Runs both measurements on a stack.
     *
     * @param stack    a running local stack (its default topics are not touched: the benchmark uses
     *                 the prefix {@code bench.})
     * @param stateDir Kafka Streams state directory
     * @param events   N, {@code >= 1000}
     * @return the rates
     * @throws InterruptedException if interrupted
     */
    public static Result run(LocalStack stack, Path stateDir, int events) throws InterruptedException {
        Objects.requireNonNull(stack, "stack");
        if (events < 1000) {
            throw new IllegalArgumentException("events must be >= 1000, was " + events);
        }
        Topics topics = Topics.withPrefix("bench.");
        for (Topics.Spec spec : topics.all()) {
            createTopic(stack.bootstrapServers(), spec.name(), PARTITIONS);
        }
        SchemaRegistry registry = stack.schemaRegistryClient();
        int warmup = Math.min(events / 5, MAX_WARMUP);
        List<ProducerRecord<byte[], byte[]>> all = events(topics.requests(), registry, warmup + events);
        List<ProducerRecord<byte[], byte[]>> payload = all.subList(warmup, all.size());
        rawSeconds(stack.bootstrapServers(), topics.prefix() + "raw-warmup", all.subList(0, warmup), PARTITIONS);
        double raw = rawSeconds(stack.bootstrapServers(), topics.prefix() + "raw", payload, PARTITIONS);
        sendModels(stack.bootstrapServers(), topics, registry);
        ClientConfig client = stack.clientConfig()
                .with(ClientConfig.TOPIC_PREFIX_CONFIG, topics.prefix())
                .with(StreamsConfig.APPLICATION_ID_CONFIG, "chainplan-ingest-bench-" + System.nanoTime())
                .with(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString())
                .with(IngestConfig.METRICS_PORT_CONFIG, "-1")
                .with(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(PARTITIONS));
        IngestConfig config = IngestConfig.of(client);
        try (IngestApp app = IngestApp.start(config, registry)) {
            if (!app.awaitRunning(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the ingest app did not reach RUNNING: " + app.state());
            }
            java.util.function.LongSupplier processed =
                    () -> (long) app.metrics().count("chainplan.ingest.records.in", "topic", topics.requests());
            try (KafkaProducer<byte[], byte[]> p = producer(stack.bootstrapServers())) {
                all.subList(0, warmup).forEach(p::send);
                p.flush();
            }
            awaitCount(processed, warmup);
            long cpu0 = streamThreadCpuNanos();
            long t0 = System.nanoTime();
            try (KafkaProducer<byte[], byte[]> p = producer(stack.bootstrapServers())) {
                payload.forEach(p::send);
                p.flush();
            }
            awaitCount(processed, (long) warmup + events);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = (streamThreadCpuNanos() - cpu0) / 1e9;
            return new Result(events, raw, seconds, String.valueOf(config.streamsProperties()
                    .get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)), cpu);
        }
    }

    private static long streamThreadCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo t : mx.dumpAllThreads(false, false)) {
            if (t.getThreadName().contains("StreamThread-")) {
                sum += Math.max(0, mx.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }

    private static void awaitCount(java.util.function.LongSupplier count, long target) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (count.getAsLong() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out: " + count.getAsLong() + " of " + target + " events processed");
            }
            Thread.sleep(2);
        }
    }

    private static double rawSeconds(String bootstrap, String topic, List<ProducerRecord<byte[], byte[]>> payload, int partitions)
            throws InterruptedException {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        AtomicLong received = new AtomicLong();
        List<TopicPartition> tps = new ArrayList<>();
        for (int i = 0; i < partitions; i++) {
            tps.add(new TopicPartition(topic, i));
        }
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> p = producer(bootstrap)) {
            createTopic(bootstrap, topic, partitions);
            p.partitionsFor(topic); // warms the producer's metadata up
            c.assign(tps);
            c.seekToEnd(tps);
            tps.forEach(c::position);
            Thread consumer = new Thread(() -> {
                while (received.get() < payload.size() && !Thread.currentThread().isInterrupted()) {
                    received.addAndGet(c.poll(Duration.ofMillis(100)).count());
                }
            }, "bench-raw-consumer");
            long t0 = System.nanoTime();
            consumer.start();
            for (ProducerRecord<byte[], byte[]> r : payload) {
                p.send(new ProducerRecord<>(topic, r.key(), r.value()));
            }
            p.flush();
            consumer.join(TIMEOUT.toMillis());
            if (received.get() < payload.size()) {
                consumer.interrupt();
                throw new IllegalStateException("raw consumer timed out after " + received.get() + " events");
            }
            return (System.nanoTime() - t0) / 1e9;
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

    /** N request events, pre-serialized; event times 1 ms apart, ending now. */
    static List<ProducerRecord<byte[], byte[]>> events(String topic, SchemaRegistry registry, int n) {
        var serializer = Topics.valueSerde(RequestEvent.class, registry).serializer();
        SplittableRandom random = new SplittableRandom(SEED);
        long start = System.currentTimeMillis() - n;
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int m = i % MODELS;
            RequestEvent.Builder b = RequestEvent.newBuilder().setRequestId("q" + i).setModelId(model(m))
                    .setTimestampMillis(Instant.ofEpochMilli(start + i));
            if (i % 2 == 0) {
                b.setKind(RequestEventKind.ARRIVED).setInputTokens(500 + random.nextInt(3000));
            } else {
                b.setKind(RequestEventKind.COMPLETED).setOutputTokens(1 + random.nextInt(60)).setHops(hops(m, random));
            }
            out.add(new ProducerRecord<>(topic, model(m).getBytes(StandardCharsets.UTF_8), serializer.serialize(topic, b.build())));
        }
        return out;
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
