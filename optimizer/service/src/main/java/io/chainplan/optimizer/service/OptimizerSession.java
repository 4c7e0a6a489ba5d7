package io.chainplan.optimizer.service;

import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Objective;
import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.replan.InputView;
import io.chainplan.optimizer.replan.PlanBasis;
import io.chainplan.optimizer.replan.ReplanDecision;
import io.chainplan.optimizer.replan.ReplanPolicy;
import io.chainplan.optimizer.replan.ReplanResult;
import io.chainplan.optimizer.replan.Replanner;
import io.chainplan.optimizer.replan.Solver;
import io.chainplan.optimizer.replan.Trigger;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.PlanInputs;
import io.chainplan.schemas.avro.PlanStatus;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.AvroDeserializer;
import io.chainplan.schemas.serde.AvroSerializer;
import io.chainplan.schemas.serde.DeadLetters;
import io.chainplan.schemas.serde.FailureMode;
import io.chainplan.schemas.serde.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the optimizer against Kafka: its clients and its state, rebuilt from the topics at
 * start. {@link OptimizerService} starts a new session after an error. See the service's javadoc
 * for the delivery guarantees. Used by one thread only.
 */
final class OptimizerSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OptimizerSession.class);
    /** Added to transaction.timeout.ms: the broker's default abort check interval (10 s) and a margin. */
    private static final long ABORT_CHECK_GRACE_SECONDS = 15;
    private static final Duration RECOVERY_READ_TIMEOUT = Duration.ofSeconds(60);

    private final OptimizerConfig config;
    private final Topics topics;
    private final InstantSource clock;
    private final OptimizerMetrics metrics;
    private final CrashHook crash;
    private final ReplanPolicy policy;
    private final Replanner replanner;
    private final Objective objective;

    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> demandConsumer;
    private final KafkaConsumer<byte[], byte[]> globalConsumer;
    private final Admin admin;
    private final Map<String, Object> kafka;
    private final AvroDeserializer<ModelSpec> modelDe;
    private final AvroDeserializer<ServerEstimate> serverDe;
    private final AvroDeserializer<DemandEstimate> demandDe;
    private final AvroDeserializer<ChainPlan> planDe;
    private final AvroSerializer<ChainPlan> planSer;

    private final ModelViews views;
    private final Map<String, ChainPlan> lastPlan = new TreeMap<>();
    private final Map<String, ChainPlan> lastOkPlan = new TreeMap<>();
    private final Set<TopicPartition> assigned = new TreeSet<>(OptimizerSession::compare);
    private final Map<TopicPartition, Long> restoreEnd = new TreeMap<>(OptimizerSession::compare);
    private final Map<TopicPartition, Long> liveFrom = new TreeMap<>(OptimizerSession::compare);
    private final Map<TopicPartition, Long> committed = new TreeMap<>(OptimizerSession::compare);
    private final Map<String, Long> due = new TreeMap<>();
    private final Set<String> dirty = new TreeSet<>();
    private final Set<String> recovered = new TreeSet<>();
    private final Map<String, InputFailureException> badOnRestore = new TreeMap<>();
    private final List<ProducerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
    private int demandPartitions;
    private int planPartitions;
    private long lastCommitNanos;
    private boolean allDirty;

    OptimizerSession(Map<String, Object> kafka, Topics topics, OptimizerConfig config, SchemaRegistry registry,
                     Solver solver, InstantSource clock, OptimizerMetrics metrics, CrashHook crash) {
        this.kafka = Map.copyOf(kafka);
        this.config = config;
        this.topics = topics;
        this.clock = clock;
        this.metrics = metrics;
        this.crash = crash;
        this.policy = new ReplanPolicy(config.replan());
        this.replanner = new Replanner(solver, config.replan().moveGainThreshold());
        this.objective = Objective.fromCliName(config.objective());
        this.views = new ModelViews(config.defaultModelId(), config.minRatePerSecond());
        this.modelDe = new AvroDeserializer<>(ModelSpec.class, registry);
        this.serverDe = new AvroDeserializer<>(ServerEstimate.class, registry);
        this.demandDe = new AvroDeserializer<>(DemandEstimate.class, registry);
        this.planDe = new AvroDeserializer<>(ChainPlan.class, registry);
        this.planSer = new AvroSerializer<>(registry, false);
        this.admin = Admin.create(this.kafka);
        this.producer = new KafkaProducer<>(producerProps(), new ByteArraySerializer(), new ByteArraySerializer());
        this.demandConsumer = new KafkaConsumer<>(groupProps(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.globalConsumer = new KafkaConsumer<>(plainProps(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private Map<String, Object> producerProps() {
        Map<String, Object> p = new HashMap<>(kafka);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) config.transactionTimeout().toMillis());
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, config.transactionalId());
        return p;
    }

    private Map<String, Object> groupProps() {
        Map<String, Object> p = plainProps();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.instanceId());
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, config.transactionalId() + "-demand");
        return p;
    }

    private Map<String, Object> plainProps() {
        Map<String, Object> p = new HashMap<>(kafka);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        return p;
    }

    /**
     * Runs until {@code running} turns false (or the consumer is woken up).
     *
     * @param running checked once per loop
     */
    void run(java.util.function.BooleanSupplier running) {
        producer.initTransactions();
        restoreGlobal(running);
        demandPartitions = partitionCount(topics.demandEstimates());
        planPartitions = partitionCount(topics.plans());
        demandConsumer.subscribe(List.of(topics.demandEstimates()), new Listener());
        lastCommitNanos = System.nanoTime();
        while (running.getAsBoolean()) {
            for (ConsumerRecord<byte[], byte[]> r : demandConsumer.poll(config.pollTimeout())) {
                onDemand(r);
            }
            for (ConsumerRecord<byte[], byte[]> r : globalConsumer.poll(Duration.ZERO)) {
                onGlobal(r, true);
            }
            evaluate();
            maybeCommit();
        }
    }

    /** Wakes a blocked poll; thread-safe. */
    void wakeup() {
        demandConsumer.wakeup();
    }

    // ---------------------------------------------------------------- restore

    private void restoreGlobal(java.util.function.BooleanSupplier running) {
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : List.of(topics.models(), topics.serverEstimates())) {
            globalConsumer.partitionsFor(t).forEach(p -> parts.add(new TopicPartition(t, p.partition())));
        }
        globalConsumer.assign(parts);
        globalConsumer.seekToBeginning(parts);
        Map<TopicPartition, Long> end = globalConsumer.endOffsets(parts);
        int n = 0;
        while (running.getAsBoolean() && !reached(globalConsumer, end)) {
            for (ConsumerRecord<byte[], byte[]> r : globalConsumer.poll(Duration.ofMillis(100))) {
                onGlobal(r, false);
                n++;
            }
        }
        LOG.info("restored {} model-spec and server-estimate records", n);
        failOnBadLatest();
    }

    /**
     * Under {@link FailureMode#FAIL}, a broadcast topic (no committed offsets) whose latest record of
     * some key is bad fails the start, so a restart does not quietly skip what stopped the
     * service; a bad record superseded by a valid one (or a tombstone) of the same key is harmless.
     */
    private void failOnBadLatest() {
        for (InputFailureException e : badOnRestore.values()) {
            if (modeOf(e.topic()) == FailureMode.FAIL) {
                LOG.error("{}", e.getMessage());
                throw e;
            }
            LOG.debug("latest record of a key is bad: {}", e.getMessage());
        }
        badOnRestore.clear();
    }

    private FailureMode modeOf(String topic) {
        if (topic.equals(topics.models())) {
            return config.modelsFailureMode();
        }
        return topic.equals(topics.serverEstimates()) ? config.serversFailureMode() : config.demandFailureMode();
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private int partitionCount(String topic) {
        return globalConsumer.partitionsFor(topic).size();
    }

    /** Owns the models of the demand-estimates partitions it is assigned; restores them from the log. */
    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> parts) {
            if (parts.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> done = demandConsumer.committed(Set.copyOf(parts));
            demandConsumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = demandConsumer.endOffsets(parts);
            for (TopicPartition tp : parts) {
                OffsetAndMetadata c = done.get(tp);
                long from = c == null ? 0 : c.offset();
                liveFrom.put(tp, from);
                committed.put(tp, from);
                restoreEnd.put(tp, end.get(tp));
            }
            assigned.addAll(parts);
            dropRecovered(parts);
            allDirty = true;
            LOG.info("assigned {}; restoring to {}, live from {}", parts, end, liveFrom);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> parts) {
            forget(parts);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> parts) {
            forget(parts);
        }

        private void forget(Collection<TopicPartition> parts) {
            dropRecovered(parts);
            assigned.removeAll(parts);
            parts.forEach(tp -> {
                restoreEnd.remove(tp);
                liveFrom.remove(tp);
                committed.remove(tp);
            });
            LOG.info("revoked {}", parts);
        }
    }

    /**
     * Forgets the recovered last plans of the models of these demand partitions: after an
     * assignment they are recovered again from the log before their next evaluation (another
     * instance may have published for them meanwhile).
     */
    private void dropRecovered(Collection<TopicPartition> parts) {
        Set<Integer> ps = new TreeSet<>();
        parts.forEach(tp -> ps.add(tp.partition()));
        recovered.removeIf(m -> ps.contains(demandPartition(m)));
        lastPlan.keySet().removeIf(m -> ps.contains(demandPartition(m)));
        lastOkPlan.keySet().removeIf(m -> ps.contains(demandPartition(m)));
    }

    /**
     * Recovers the last plan and last OK plan of these models from the plans topic (read_committed),
     * reading each model's plans partition backwards from its end ({@link PlanRecovery}); a model
     * with no plan there is looked for in the other partitions too (only matters if partitions were
     * added to the plans topic, which moves keys). First waits until every transaction that was
     * open on those partitions has ended (committed, aborted, or timed out), so a plan committed
     * late by a crashed or fenced predecessor cannot be missed.
     */
    private void recover(Collection<String> models) {
        if (models.isEmpty()) {
            return;
        }
        long t0 = System.nanoTime();
        Map<Integer, Set<String>> byPartition = new TreeMap<>();
        models.forEach(m -> byPartition.computeIfAbsent(planPartition(m), k -> new TreeSet<>()).add(m));
        List<TopicPartition> parts = byPartition.keySet().stream()
                .map(p -> new TopicPartition(topics.plans(), p)).toList();
        boolean waited = awaitNoOpenTransactions(parts);
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(recoveryProps(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            Set<String> missing = new TreeSet<>();
            for (Map.Entry<Integer, Set<String>> e : byPartition.entrySet()) {
                PlanRecovery.Found f = scan(reader, e.getKey(), e.getValue());
                read += f.recordsRead();
                e.getValue().stream().filter(m -> !f.last().containsKey(m)).forEach(missing::add);
            }
            read += recoverElsewhere(reader, missing, byPartition);
        }
        recovered.addAll(models);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        metrics.recovered(took, read, waited);
        LOG.info("recovered the last plans of {} models ({} found) from {} plan records in {} ms{}", models.size(),
                models.stream().filter(lastPlan::containsKey).count(), read, took.toMillis(),
                waited ? " (waited for open transactions)" : "");
    }

    private PlanRecovery.Found scan(KafkaConsumer<byte[], byte[]> reader, int partition, Set<String> models) {
        PlanRecovery.Found f = PlanRecovery.scan(new PlanRecovery.ConsumerPartition(reader,
                new TopicPartition(topics.plans(), partition), RECOVERY_READ_TIMEOUT), models, this::decodePlan);
        for (String m : models) {
            keepNewer(lastPlan, m, f.last().get(m));
            keepNewer(lastOkPlan, m, f.lastOk().get(m));
        }
        return f;
    }

    /** Models without a plan in their own partition: the other partitions, in case keys moved. */
    private long recoverElsewhere(KafkaConsumer<byte[], byte[]> reader, Set<String> missing,
                                  Map<Integer, Set<String>> searched) {
        if (missing.isEmpty() || planPartitions < 2) {
            return 0;
        }
        List<TopicPartition> others = new ArrayList<>();
        for (int p = 0; p < planPartitions; p++) {
            others.add(new TopicPartition(topics.plans(), p));
        }
        awaitNoOpenTransactions(others);
        long read = 0;
        for (int p = 0; p < planPartitions; p++) {
            int partition = p;
            Set<String> here = new TreeSet<>(missing);
            here.removeIf(m -> planPartition(m) == partition);
            read += here.isEmpty() ? 0 : scan(reader, p, here).recordsRead();
        }
        return read;
    }

    private static void keepNewer(Map<String, ChainPlan> map, String model, ChainPlan found) {
        if (found != null && (!map.containsKey(model) || found.getEpoch() > map.get(model).getEpoch())) {
            map.put(model, found);
        }
    }

    private Optional<ChainPlan> decodePlan(ConsumerRecord<byte[], byte[]> r) {
        try {
            return Optional.of(planDe.deserialize(r.topic(), r.value()));
        } catch (RuntimeException e) {
            LOG.warn("unreadable plan at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            return Optional.empty();
        }
    }

    private Map<String, Object> recoveryProps() {
        Map<String, Object> p = plainProps();
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, PlanRecovery.MAX_CHUNK);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1024 * 1024);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.transactionalId() + "-recovery");
        return p;
    }

    /**
     * Waits until the last stable offset of each partition has reached its high watermark as of
     * the call, i.e. every transaction open at the call has ended. A crashed instance's open
     * transaction is aborted by the broker after {@code transaction.timeout.ms} (checked every
     * {@code transaction.abort.timed.out.transaction.cleanup.interval.ms}, default 10 s), so the
     * wait is bounded; after {@code transaction.timeout.ms} + {@value #ABORT_CHECK_GRACE_SECONDS} s
     * this gives up with an exception and the session restarts (recovering behind a stuck
     * transaction could miss a plan committed after it and duplicate its epoch).
     *
     * @return whether a transaction was open (and waited for)
     */
    private boolean awaitNoOpenTransactions(List<TopicPartition> parts) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        parts.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        Duration bound = config.transactionTimeout().plusSeconds(ABORT_CHECK_GRACE_SECONDS);
        long deadline = System.nanoTime() + bound.toNanos();
        try {
            Map<TopicPartition, Long> hw = offsets(latest, IsolationLevel.READ_UNCOMMITTED);
            boolean waited = false;
            while (true) {
                Map<TopicPartition, Long> lso = offsets(latest, IsolationLevel.READ_COMMITTED);
                if (parts.stream().allMatch(tp -> lso.get(tp) >= hw.get(tp))) {
                    return waited;
                }
                if (!waited) {
                    LOG.info("waiting for transactions open on {} to end (at most {})", parts, bound);
                }
                waited = true;
                if (System.nanoTime() - deadline > 0) {
                    throw new KafkaException("transactions still open on " + parts + " after " + bound
                            + "; restarting the session");
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while waiting for open transactions", e);
        } catch (ExecutionException e) {
            throw new KafkaException("cannot list offsets of " + parts, e.getCause());
        }
    }

    private Map<TopicPartition, Long> offsets(Map<TopicPartition, OffsetSpec> spec, IsolationLevel level)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(spec, new ListOffsetsOptions(level)).all().get()
                .forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    // ---------------------------------------------------------------- input records

    private void onDemand(ConsumerRecord<byte[], byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        boolean live = r.offset() >= liveFrom.getOrDefault(tp, 0L);
        String key = key(r);
        if (key == null) {
            reject(r, live, live, "validate", new IllegalArgumentException("record has no key (model id)"));
            return;
        }
        if (r.value() == null) {
            views.removeDemand(key);
            dirty.add(key);
            return;
        }
        DemandEstimate e;
        try {
            e = demandDe.deserialize(r.topic(), r.value());
        } catch (RuntimeException ex) {
            reject(r, live, live, "deserialize", ex);
            return;
        }
        Optional<String> problem = InputChecks.demandEstimate(key, e);
        if (problem.isPresent()) {
            reject(r, live, live, "validate", new IllegalArgumentException(problem.get()));
            return;
        }
        if (live && !views.knowsModel(key)) {
            reject(r, true, true, "unknown-model", new IllegalArgumentException(
                    "unknown model " + key + " (no model spec); kept until one arrives"));
        }
        views.put(e);
        dirty.add(key);
    }

    /**
     * @param live read after start-up (records restored at start were handled when first read)
     */
    private void onGlobal(ConsumerRecord<byte[], byte[]> r, boolean live) {
        boolean mine = live && responsibleFor(r.partition());
        String key = key(r);
        if (key == null) {
            reject(r, live, mine, "validate", new IllegalArgumentException("record has no key"));
            return;
        }
        badOnRestore.remove(r.topic() + '\u0000' + key);
        if (r.topic().equals(topics.models())) {
            onModel(r, key, live, mine);
        } else {
            onServer(r, key, live, mine);
        }
    }

    private void onModel(ConsumerRecord<byte[], byte[]> r, String key, boolean live, boolean mine) {
        if (r.value() == null) {
            views.removeModel(key);
            dirty.add(key);
            return;
        }
        ModelSpec spec;
        try {
            spec = modelDe.deserialize(r.topic(), r.value());
        } catch (RuntimeException ex) {
            reject(r, live, mine, "deserialize", ex);
            return;
        }
        Optional<String> problem = InputChecks.modelSpec(key, spec);
        if (problem.isPresent()) {
            reject(r, live, mine, "validate", new IllegalArgumentException(problem.get()));
            return;
        }
        views.put(spec);
        dirty.add(key);
    }

    private void onServer(ConsumerRecord<byte[], byte[]> r, String key, boolean live, boolean mine) {
        allDirty = true;
        if (r.value() == null) {
            views.removeServer(key);
            return;
        }
        ServerEstimate e;
        try {
            e = serverDe.deserialize(r.topic(), r.value());
        } catch (RuntimeException ex) {
            reject(r, live, mine, "deserialize", ex);
            return;
        }
        Optional<String> problem = InputChecks.serverEstimate(key, e);
        if (problem.isPresent()) {
            reject(r, live, mine, "validate", new IllegalArgumentException(problem.get()));
            return;
        }
        String model = e.getModelId();
        if (model != null && live && !views.knowsModel(model) && owns(model)) {
            reject(r, true, mine, "unknown-model", new IllegalArgumentException(
                    "unknown model " + model + " of server " + key + " (no model spec); kept until one arrives"));
        }
        views.put(e);
    }

    /**
     * Records of the broadcast topics (models, server estimates) are read by every instance; the
     * one assigned demand-estimates partition {@code p mod n} dead-letters (or logs) the bad ones of
     * partition {@code p}, so each bad record is reported by one live instance.
     */
    private boolean responsibleFor(int partition) {
        if (demandPartitions == 0) {
            return false;
        }
        int p = partition % demandPartitions;
        return assigned.stream().anyMatch(tp -> tp.partition() == p);
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }

    /**
     * Handles a bad record by its topic's {@link FailureMode} (STYLE.md §6).
     *
     * @param live whether it was read live (a restored record was handled when first read; for the
     *             broadcast topics, remember whether the latest record of its key is bad)
     * @param mine whether this instance reports it (see {@link #responsibleFor}); {@code fail} stops
     *             every instance that reads it live
     */
    private void reject(ConsumerRecord<byte[], byte[]> r, boolean live, boolean mine, String stage, Exception why) {
        if (!live) {
            LOG.debug("skipping bad record {}-{}@{} on restore: {}", r.topic(), r.partition(), r.offset(),
                    why.getMessage());
            if (r.key() != null && !r.topic().equals(topics.demandEstimates())) {
                badOnRestore.put(r.topic() + '\u0000' + key(r),
                        new InputFailureException(r.topic(), r.partition(), r.offset(), stage, why));
            }
            return;
        }
        switch (modeOf(r.topic())) {
            case FAIL -> {
                InputFailureException e = new InputFailureException(r.topic(), r.partition(), r.offset(), stage, why);
                LOG.error("{}", e.getMessage());
                throw e;
            }
            case LOG_AND_SKIP -> {
                if (mine) {
                    LOG.warn("skipping bad record {}-{}@{} ({}): {}", r.topic(), r.partition(), r.offset(), stage,
                            why.getMessage());
                    metrics.skipped(r.topic(), stage);
                }
            }
            case DEAD_LETTER -> {
                if (mine) {
                    LOG.warn("dead-lettering {}-{}@{} ({}): {}", r.topic(), r.partition(), r.offset(), stage,
                            why.getMessage());
                    deadLetters.add(DeadLetters.of(topics.deadLetters(), r, stage, why));
                    metrics.deadLetter(r.topic(), stage);
                }
            }
            default -> throw new IllegalStateException("unknown failure mode of " + r.topic());
        }
    }

    // ---------------------------------------------------------------- ownership and evaluation

    private int demandPartition(String modelId) {
        return partitionOf(modelId, demandPartitions);
    }

    /** The plans partition of a model: fixed by its key, as the default partitioner would. */
    private int planPartition(String modelId) {
        return partitionOf(modelId, planPartitions);
    }

    private static int partitionOf(String key, int partitions) {
        return partitions == 0 ? 0 : Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private TopicPartition demandTp(String modelId) {
        return new TopicPartition(topics.demandEstimates(), demandPartition(modelId));
    }

    private boolean owns(String modelId) {
        return demandPartitions != 0 && assigned.contains(demandTp(modelId));
    }

    private boolean restored(String modelId) {
        TopicPartition tp = demandTp(modelId);
        Long end = restoreEnd.get(tp);
        return end != null && demandConsumer.position(tp) >= end;
    }

    private void evaluate() {
        long now = clock.millis();
        List<String> owned = views.modelIds().stream().filter(this::owns).toList();
        metrics.ownedModels(owned.size());
        List<String> ready = owned.stream().filter(m -> isCandidate(m, now) && restored(m)).toList();
        recover(ready.stream().filter(m -> !recovered.contains(m) && views.view(m).isPresent()).toList());
        for (String modelId : ready) {
            evaluate(modelId, now);
        }
        if (owned.stream().allMatch(this::restored)) {
            allDirty = false;
            dirty.clear();
        }
    }

    private boolean isCandidate(String modelId, long now) {
        boolean isDue = due.containsKey(modelId) && due.get(modelId) <= now;
        return allDirty || dirty.contains(modelId) || isDue;
    }

    private void evaluate(String modelId, long now) {
        dirty.remove(modelId);
        Optional<InputView> view = views.view(modelId);
        if (view.isEmpty()) {
            due.remove(modelId);
            return;
        }
        if (!recovered.contains(modelId)) {
            recover(List.of(modelId));
        }
        Optional<PlanBasis> basis = Optional.ofNullable(lastPlan.get(modelId)).map(AvroMappers::basis);
        ReplanDecision d = policy.decide(basis, view.get(), now);
        if (d instanceof ReplanDecision.Solve sv) {
            metrics.trigger(sv.trigger().kind().name(), "solve");
            publish(modelId, view.get(), sv.trigger(), now);
        } else if (d instanceof ReplanDecision.Defer df) {
            if (!due.containsKey(modelId) || due.get(modelId) != df.notBeforeMillis()) {
                metrics.trigger(df.trigger().kind().name(), "defer");
            }
            due.put(modelId, df.notBeforeMillis());
        } else {
            basis.ifPresent(b -> due.put(modelId, b.createdAtMillis() + config.replan().maxAgeMillis()));
        }
    }

    // ---------------------------------------------------------------- publish

    private void publish(String modelId, InputView view, Trigger trigger, long now) {
        Fleet fleet = new Fleet(view.model(), view.upServers(), view.demand().ratePerSecond(), config.targetLoad());
        Optional<Placement> current = Optional.ofNullable(lastOkPlan.get(modelId))
                .map(p -> AvroMappers.placement(p.getPlacements()));
        long t0 = System.nanoTime();
        ReplanResult r = replanner.replan(fleet, objective, current);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        r = new ReplanResult(r.plan().withSolverMillis(took.toNanos() / 1e6), r.fixedPlacement(), r.diff(),
                r.keepLowerSeconds(), r.replaceLowerSeconds(), r.decision());
        metrics.solved(trigger.kind().name(), r.plan().status().name(), took);
        Optional<ChainPlan> previous = Optional.ofNullable(lastPlan.get(modelId));
        long epoch = previous.map(ChainPlan::getEpoch).orElse(0L) + 1;
        PlanInputs inputs = views.inputs(modelId, view, config.targetLoad(), objective.cliName(), r.fixedPlacement());
        ChainPlan plan = AvroMappers.chainPlan(epoch, Instant.ofEpochMilli(now), trigger, inputs, r, previous);
        crash.at(CrashHook.Stage.SOLVED);
        commit(Optional.of(plan));
        lastPlan.put(modelId, plan);
        if (plan.getStatus() == PlanStatus.OK) {
            lastOkPlan.put(modelId, plan);
        }
        due.put(modelId, now + config.replan().maxAgeMillis());
        metrics.published(plan.getStatus().name(), r.keptPlacement());
        LOG.info("published plan {} of {}: {} ({}), {}; {}", epoch, modelId, plan.getStatus(), trigger.kind(),
                trigger.detail(), r.decision());
    }

    private void maybeCommit() {
        boolean advanced = !offsetsToCommit().isEmpty();
        boolean timeUp = System.nanoTime() - lastCommitNanos >= config.commitInterval().toNanos();
        if ((advanced || !deadLetters.isEmpty()) && timeUp) {
            commit(Optional.empty());
        }
    }

    /**
     * One transaction: pending dead letters, the plan (if any), and the consumed demand offsets
     * with the group metadata (KIP-447: a member with a stale generation cannot commit, which fences
     * a zombie that lost its partitions). A plan's transaction always carries the offset of its
     * model's demand partition, even when it did not advance (a plan triggered by a server estimate
     * or by age), so that this fencing covers every plan.
     */
    private void commit(Optional<ChainPlan> plan) {
        Map<TopicPartition, OffsetAndMetadata> offsets = offsetsToCommit();
        plan.ifPresent(p -> offsets.putIfAbsent(demandTp(p.getModelId()),
                new OffsetAndMetadata(demandConsumer.position(demandTp(p.getModelId())))));
        producer.beginTransaction();
        deadLetters.forEach(producer::send);
        plan.ifPresent(p -> producer.send(new ProducerRecord<>(topics.plans(), planPartition(p.getModelId()),
                p.getModelId().getBytes(StandardCharsets.UTF_8), planSer.serialize(topics.plans(), p))));
        // The commit waits for these records anyway; flushing first makes the transaction open on
        // the broker from here on, which is what a crash at SENT means.
        producer.flush();
        crash.at(CrashHook.Stage.SENT);
        if (!offsets.isEmpty()) {
            producer.sendOffsetsToTransaction(offsets, demandConsumer.groupMetadata());
        }
        crash.at(CrashHook.Stage.BEFORE_COMMIT);
        producer.commitTransaction();
        crash.at(CrashHook.Stage.COMMITTED);
        deadLetters.clear();
        offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
        lastCommitNanos = System.nanoTime();
    }

    private Map<TopicPartition, OffsetAndMetadata> offsetsToCommit() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (TopicPartition tp : assigned) {
            long pos = demandConsumer.position(tp);
            if (pos > committed.getOrDefault(tp, 0L)) {
                out.put(tp, new OffsetAndMetadata(pos));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- close

    /** Stops as if the process died: no abort, no commit, no leave-group. */
    void abandon() {
        producer.close(Duration.ZERO);
        demandConsumer.close(CloseOptions.timeout(Duration.ZERO)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
        globalConsumer.close(Duration.ZERO);
        admin.close(Duration.ZERO);
    }

    @Override
    public void close() {
        try {
            demandConsumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(5)));
        } catch (RuntimeException e) {
            LOG.warn("closing the demand consumer: {}", e.toString());
        }
        producer.close(Duration.ofSeconds(5));
        globalConsumer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }

    private static int compare(TopicPartition a, TopicPartition b) {
        int c = a.topic().compareTo(b.topic());
        return c != 0 ? c : Integer.compare(a.partition(), b.partition());
    }
}
