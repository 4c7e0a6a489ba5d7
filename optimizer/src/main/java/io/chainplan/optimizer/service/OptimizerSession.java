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
    private final List<ProducerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
    private int demandPartitions;
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
            recoverPlans();
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
     * Recovers the last plan (and last OK plan) of every model from the plans topic, read_committed.
     * First waits until every transaction that was open on the plans topic when this was called has
     * ended (committed, aborted, or timed out), so a plan committed late by a crashed or fenced
     * predecessor cannot be missed.
     */
    private void recoverPlans() {
        List<TopicPartition> parts = globalConsumer.partitionsFor(topics.plans()).stream()
                .map(p -> new TopicPartition(topics.plans(), p.partition())).toList();
        awaitNoOpenTransactions(parts);
        lastPlan.clear();
        lastOkPlan.clear();
        try (KafkaConsumer<byte[], byte[]> reader =
                     new KafkaConsumer<>(plainProps(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            reader.assign(parts);
            reader.seekToBeginning(parts);
            Map<TopicPartition, Long> end = reader.endOffsets(parts);
            while (!reached(reader, end)) {
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(100))) {
                    recover(r);
                }
            }
        }
        LOG.info("recovered plans of {} models", lastPlan.size());
    }

    private void recover(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return;
        }
        ChainPlan p;
        try {
            p = planDe.deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            LOG.warn("unreadable plan at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            return;
        }
        ChainPlan before = lastPlan.get(p.getModelId());
        if (before == null || p.getEpoch() > before.getEpoch()) {
            lastPlan.put(p.getModelId(), p);
        }
        ChainPlan ok = lastOkPlan.get(p.getModelId());
        if (p.getStatus() == PlanStatus.OK && (ok == null || p.getEpoch() > ok.getEpoch())) {
            lastOkPlan.put(p.getModelId(), p);
        }
    }

    private void awaitNoOpenTransactions(List<TopicPartition> parts) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        parts.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        long deadline = System.nanoTime() + config.transactionTimeout().toNanos() + 5_000_000_000L;
        try {
            Map<TopicPartition, Long> hw = offsets(latest, IsolationLevel.READ_UNCOMMITTED);
            while (true) {
                Map<TopicPartition, Long> lso = offsets(latest, IsolationLevel.READ_COMMITTED);
                if (parts.stream().allMatch(tp -> lso.get(tp) >= hw.get(tp))) {
                    return;
                }
                if (System.nanoTime() - deadline > 0) {
                    LOG.warn("transactions still open on {} after {}; recovering anyway", parts,
                            config.transactionTimeout());
                    return;
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
            reject(r, live, "validate", new IllegalArgumentException("record has no key (model id)"));
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
            reject(r, live, "deserialize", ex);
            return;
        }
        Optional<String> problem = InputChecks.demandEstimate(key, e);
        if (problem.isPresent()) {
            reject(r, live, "validate", new IllegalArgumentException(problem.get()));
            return;
        }
        if (live && !views.knowsModel(key)) {
            reject(r, true, "unknown-model", new IllegalArgumentException(
                    "unknown model " + key + " (no model spec); kept until one arrives"));
        }
        views.put(e);
        dirty.add(key);
    }

    private void onGlobal(ConsumerRecord<byte[], byte[]> r, boolean live) {
        boolean mine = live && responsibleFor(r.partition());
        String key = key(r);
        if (key == null) {
            reject(r, mine, "validate", new IllegalArgumentException("record has no key"));
            return;
        }
        if (r.topic().equals(topics.models())) {
            onModel(r, key, mine);
        } else {
            onServer(r, key, mine);
        }
    }

    private void onModel(ConsumerRecord<byte[], byte[]> r, String key, boolean mine) {
        if (r.value() == null) {
            views.removeModel(key);
            dirty.add(key);
            return;
        }
        try {
            ModelSpec spec = modelDe.deserialize(r.topic(), r.value());
            Optional<String> problem = InputChecks.modelSpec(key, spec);
            if (problem.isPresent()) {
                reject(r, mine, "validate", new IllegalArgumentException(problem.get()));
                return;
            }
            views.put(spec);
            dirty.add(key);
        } catch (RuntimeException ex) {
            reject(r, mine, "deserialize", ex);
        }
    }

    private void onServer(ConsumerRecord<byte[], byte[]> r, String key, boolean mine) {
        allDirty = true;
        if (r.value() == null) {
            views.removeServer(key);
            return;
        }
        ServerEstimate e;
        try {
            e = serverDe.deserialize(r.topic(), r.value());
        } catch (RuntimeException ex) {
            reject(r, mine, "deserialize", ex);
            return;
        }
        Optional<String> problem = InputChecks.serverEstimate(key, e);
        if (problem.isPresent()) {
            reject(r, mine, "validate", new IllegalArgumentException(problem.get()));
            return;
        }
        String model = e.getModelId();
        if (model != null && mine && !views.knowsModel(model) && owns(model)) {
            reject(r, true, "unknown-model", new IllegalArgumentException(
                    "unknown model " + model + " of server " + key + " (no model spec); kept until one arrives"));
        }
        views.put(e);
    }

    /**
     * Records of the broadcast topics (models, server estimates) are read by every instance; the
     * one assigned demand-estimates partition {@code p mod n} dead-letters the bad ones of partition
     * {@code p}, so each bad record is dead-lettered by one live instance.
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

    private void reject(ConsumerRecord<byte[], byte[]> r, boolean deadLetter, String stage, Exception why) {
        if (!deadLetter) {
            LOG.debug("skipping bad record {}-{}@{} on restore: {}", r.topic(), r.partition(), r.offset(),
                    why.getMessage());
            return;
        }
        LOG.warn("dead-lettering {}-{}@{} ({}): {}", r.topic(), r.partition(), r.offset(), stage, why.getMessage());
        deadLetters.add(DeadLetters.of(topics.deadLetters(), r, stage, why));
        metrics.deadLetter(r.topic(), stage);
    }

    // ---------------------------------------------------------------- ownership and evaluation

    private boolean owns(String modelId) {
        if (demandPartitions == 0) {
            return false;
        }
        int p = Utils.toPositive(Utils.murmur2(modelId.getBytes(StandardCharsets.UTF_8))) % demandPartitions;
        return assigned.contains(new TopicPartition(topics.demandEstimates(), p));
    }

    private boolean restored(String modelId) {
        int p = Utils.toPositive(Utils.murmur2(modelId.getBytes(StandardCharsets.UTF_8))) % demandPartitions;
        TopicPartition tp = new TopicPartition(topics.demandEstimates(), p);
        Long end = restoreEnd.get(tp);
        return end != null && demandConsumer.position(tp) >= end;
    }

    private void evaluate() {
        long now = clock.millis();
        Set<String> candidates = new TreeSet<>(views.modelIds());
        List<String> owned = candidates.stream().filter(this::owns).toList();
        metrics.ownedModels(owned.size());
        for (String modelId : owned) {
            boolean isDue = due.containsKey(modelId) && due.get(modelId) <= now;
            if ((allDirty || dirty.contains(modelId) || isDue) && restored(modelId)) {
                evaluate(modelId, now);
            }
        }
        if (owned.stream().allMatch(this::restored)) {
            allDirty = false;
            dirty.clear();
        }
    }

    private void evaluate(String modelId, long now) {
        dirty.remove(modelId);
        Optional<InputView> view = views.view(modelId);
        if (view.isEmpty()) {
            due.remove(modelId);
            return;
        }
        Optional<PlanBasis> basis = Optional.ofNullable(lastPlan.get(modelId)).map(AvroMappers::basis);
        ReplanDecision d = policy.decide(basis, view.get(), now);
        if (d instanceof ReplanDecision.Solve s) {
            metrics.trigger(s.trigger().kind().name(), "solve");
            publish(modelId, view.get(), s.trigger(), now);
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
     * a zombie that lost its partitions).
     */
    private void commit(Optional<ChainPlan> plan) {
        Map<TopicPartition, OffsetAndMetadata> offsets = offsetsToCommit();
        producer.beginTransaction();
        deadLetters.forEach(producer::send);
        plan.ifPresent(p -> producer.send(new ProducerRecord<>(topics.plans(),
                p.getModelId().getBytes(StandardCharsets.UTF_8), planSer.serialize(topics.plans(), p))));
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
