package io.chainplan.bench;

import io.chainplan.local.EmbeddedKafkaBroker;
import io.chainplan.local.LocalStack;
import io.chainplan.optimizer.replan.PaperSolver;
import io.chainplan.optimizer.service.OptimizerConfig;
import io.chainplan.optimizer.service.OptimizerMetrics;
import io.chainplan.optimizer.service.OptimizerService;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.registry.InMemorySchemaRegistry;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.AvroDeserializer;
import io.chainplan.schemas.serde.AvroSerializer;
import io.chainplan.schemas.serde.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Times re-planning end to end on an in-process broker: a fleet of J servers (BLOOM-176B, a quarter
 * 40 GB / tau_p 0.109 s, the rest 20 GB / 0.175 s, DESIGN.md §1.3), the optimizer service with the
 * debounce at 0, and rounds that each send one demand estimate whose rate leaves the band (alternating
 * between two rates 60% apart, tight intervals); a round lasts from just before the send until the plan
 * is readable by a {@code read_committed} consumer of the plans topic.
 */
public final class OptimizerBenchmark {
    private static final String MODEL = "bloom-176b";

    private OptimizerBenchmark() {
    }

    /**
     * What the measured rounds took.
     *
     * @param roundMillis estimate-to-committed-plan time per measured round
     * @param solveMillis the solve time each plan records
     */
    public record Result(List<Double> roundMillis, List<Double> solveMillis) {
        /** Copies. */
        public Result {
            roundMillis = List.copyOf(roundMillis);
            solveMillis = List.copyOf(solveMillis);
        }
    }

    /**
     * Runs the benchmark.
     *
     * @param servers J
     * @param rounds  measured rounds
     * @param warmup  unmeasured rounds first
     * @param rate    the low arrival rate; the high one is 1.6 times it
     * @return the measurements
     * @throws Exception if the broker or the service fails
     */
    public static Result run(int servers, int rounds, int warmup, double rate) throws Exception {
        Path dir = Files.createTempDirectory("chainplan-bench-optimizer");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0)) {
            Topics topics = Topics.defaults();
            LocalStack.createTopics(broker.bootstrapServers(), topics);
            SchemaRegistry registry = new InMemorySchemaRegistry();
            ClientConfig client = ClientConfig.of(Map.of("bootstrap.servers", broker.bootstrapServers()));
            List<Double> millis = new ArrayList<>();
            List<Double> solveMillis = new ArrayList<>();
            try (Inputs in = new Inputs(broker, topics, registry);
                 KafkaConsumer<byte[], byte[]> plans = plansConsumer(broker, topics)) {
                in.fleet(servers);
                OptimizerConfig config = OptimizerConfig.from(Map.of(OptimizerConfig.MIN_INTERVAL_MS_CONFIG, "0",
                        OptimizerConfig.INSTANCE_ID_CONFIG, "bench"));
                try (OptimizerService service = new OptimizerService(client, config, registry,
                        new PaperSolver(Math.max(1, Runtime.getRuntime().availableProcessors())),
                        InstantSource.system(), new OptimizerMetrics(new SimpleMeterRegistry())).start()) {
                    AvroDeserializer<ChainPlan> de = new AvroDeserializer<>(ChainPlan.class, registry);
                    for (int round = 0; round < warmup + rounds + 1; round++) {
                        double r = round % 2 == 0 ? rate : rate * 1.6;
                        long t0 = System.nanoTime();
                        in.demand(r);
                        ChainPlan p = awaitPlan(plans, de, topics, round + 1);
                        long t1 = System.nanoTime();
                        if (round > warmup) {
                            millis.add((t1 - t0) / 1e6);
                            solveMillis.add(p.getSolver().getMillis());
                        }
                    }
                }
            }
            return new Result(millis, solveMillis);
        } finally {
            deleteQuietly(dir);
        }
    }

    private static KafkaConsumer<byte[], byte[]> plansConsumer(EmbeddedKafkaBroker broker, Topics topics) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        TopicPartition tp = new TopicPartition(topics.plans(), 0);
        c.assign(List.of(tp));
        c.seekToBeginning(List.of(tp));
        return c;
    }

    private static ChainPlan awaitPlan(KafkaConsumer<byte[], byte[]> plans, AvroDeserializer<ChainPlan> de, Topics topics,
                                       long epoch) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : plans.poll(Duration.ofMillis(5))) {
                ChainPlan p = de.deserialize(topics.plans(), r.value());
                if (p.getEpoch() == epoch) {
                    return p;
                }
            }
        }
        throw new IllegalStateException("no plan with epoch " + epoch + " within 60 s");
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }

    /** Produces the model, the fleet and the demand estimates. */
    private static final class Inputs implements AutoCloseable {
        private final Topics topics;
        private final KafkaProducer<byte[], byte[]> producer;
        private final AvroSerializer<org.apache.avro.specific.SpecificRecord> ser;

        Inputs(EmbeddedKafkaBroker broker, Topics topics, SchemaRegistry registry) {
            this.topics = topics;
            Map<String, Object> p = new HashMap<>();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
            this.ser = new AvroSerializer<>(registry, false);
        }

        void fleet(int j) throws Exception {
            send(topics.models(), MODEL, ModelSpec.newBuilder().setId(MODEL).setBlocks(70).setBlockBytes(1_320_000_000L)
                    .setCacheBytesPerBlockPerJob(110_000_000L).build());
            Instant now = Instant.now();
            for (int i = 0; i < j; i++) {
                boolean big = i < j / 4;
                String id = String.format(Locale.ROOT, "gpu-%03d", i);
                send(topics.serverEstimates(), id, ServerEstimate.newBuilder().setServerId(id).setModelId(MODEL)
                        .setTimestampMillis(now).setMemoryBytes(big ? 40_000_000_000L : 20_000_000_000L)
                        .setCommSeconds(0.02 + 0.001 * (i % 50)).setPerBlockComputeSeconds(big ? 0.109 : 0.175)
                        .setLastSeenMillis(now).build());
            }
        }

        void demand(double r) throws Exception {
            send(topics.demandEstimates(), MODEL, DemandEstimate.newBuilder().setModelId(MODEL)
                    .setTimestampMillis(Instant.now()).setArrivalRatePerSecond(r).setLowerPerSecond(r * 0.98)
                    .setUpperPerSecond(r * 1.02).setWindowSeconds(60).setArrivals((long) (60 * r)).build());
        }

        private void send(String topic, String key, org.apache.avro.specific.SpecificRecord v) throws Exception {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), ser.serialize(topic, v))).get();
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
