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
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.AvroSerializer;
import io.chainplan.schemas.serde.RegistryUnavailableException;
import io.chainplan.schemas.serde.Topics;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the optimizer against Kafka: the poll loop that wires its parts, with their state
 * rebuilt from the topics at start. {@link OptimizerService} starts a new session after an error;
 * see its javadoc for the delivery guarantees. The parts, one job each:
 * <ul>
 *   <li>{@link OptimizerClients}: the Kafka clients;</li>
 *   <li>{@link BroadcastTopics}: model specs and server estimates, restored in full, then followed;</li>
 *   <li>{@link InputRecords}: each input record decoded, validated, mapped to domain values into
 *       {@link ModelViews}, or rejected by its failure mode;</li>
 *   <li>{@link PartitionOwnership}: which demand partitions, and so which models, this instance owns;</li>
 *   <li>{@link PlanRecovery} into {@link LastPlans}: the last plans of models taken over;</li>
 *   <li>{@link ReplanScheduler}: which models are due when, and the re-plan decision;</li>
 *   <li>{@link Replanner}: the solve; {@link PlanPublisher}: the transaction.</li>
 * </ul>
 * <p>A schema registry that is unavailable never makes an input record look bad
 * ({@link RecordBatches}): the restore waits for it, and a live record that cannot be decoded stays
 * unread (the consumer is rewound to it) while the loop goes on planning the models whose inputs
 * it has; the record is read again on the next poll. A registry that refuses for good (401, 403)
 * ends the session with that {@link RegistryUnavailableException}.
 * Used by one thread only, apart from {@link #wakeup()}.
 */
final class OptimizerSession implements AutoCloseable {
    /** Longest wait for the broadcast topics' end offsets when demand arrives ({@link BroadcastTopics#catchUp}). */
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(OptimizerSession.class);
    private static final long REGISTRY_LOG_EVERY_NANOS = 60_000_000_000L;

    private final OptimizerConfig config;
    private final InstantSource clock;
    private final OptimizerMetrics metrics;
    private final Topics topics;
    private final Replanner replanner;
    private final Objective objective;
    private final OptimizerClients clients;
    private final PartitionOwnership ownership;
    private final ReplanScheduler scheduler;
    private final ModelViews views;
    private final InputRecords inputs;
    private final BroadcastTopics broadcast;
    private final PlanRecovery recovery;
    private final LastPlans plans = new LastPlans();
    private final PlanPublisher publisher;
    private final Set<String> failing = new TreeSet<>();
    private long lastCommitNanos;
    private long lastRegistryLogNanos = System.nanoTime() - REGISTRY_LOG_EVERY_NANOS;

    OptimizerSession(Map<String, Object> kafka, Topics topics, OptimizerConfig config, SchemaRegistry registry,
                     Solver solver, InstantSource clock, OptimizerMetrics metrics, CrashHook crash) {
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
        this.topics = topics;
        this.replanner = new Replanner(solver, config.replan().moveGainThreshold());
        this.objective = Objective.fromCliName(config.objective());
        this.clients = new OptimizerClients(kafka, config, topics.plans(), registry);
        this.ownership = new PartitionOwnership(topics.demandEstimates());
        this.scheduler = new ReplanScheduler(new ReplanPolicy(config.replan()), config.replan().maxAgeMillis());
        this.views = new ModelViews(config.defaultModelId(), config.minRatePerSecond());
        this.inputs = new InputRecords(topics, config, views, scheduler, ownership, metrics, registry);
        this.broadcast = new BroadcastTopics(clients.broadcast, List.of(topics.models(), topics.acceptedModels(), topics.serverEstimates()));
        this.recovery = new PlanRecovery(clients.admin, clients.plans, ownership, config.transactionTimeout(),
                metrics);
        this.publisher = new PlanPublisher(clients.producer, topics.plans(), new AvroSerializer<>(registry, false),
                crash);
    }

    /**
     * Runs until {@code running} turns false (or the consumer is woken up).
     *
     * @param running checked once per loop
     */
    void run(BooleanSupplier running) {
        publisher.initTransactions();
        broadcast.restore(running, r -> inputs.onBroadcast(r, false), this::registryUnavailable);
        inputs.failOnBadLatest();
        ownership.partitionCounts(broadcast.partitionCount(topics.demandEstimates()),
                broadcast.partitionCount(topics.plans()));
        clients.demand.subscribe(List.of(topics.demandEstimates()), new Listener());
        lastCommitNanos = System.nanoTime();
        while (running.getAsBoolean()) {
            try {
                ConsumerRecords<byte[], byte[]> demand = clients.demand.poll(config.pollTimeout());
                RecordBatches.handle(clients.demand, demand, inputs::onDemand);
                if (demand.isEmpty()) {
                    broadcast.poll(r -> inputs.onBroadcast(r, true));
                } else {
                    broadcast.catchUp(running, CATCH_UP_TIMEOUT, r -> inputs.onBroadcast(r, true));
                }
            } catch (RegistryUnavailableException e) {
                if (!e.retriable()) {
                    throw e;
                }
                registryUnavailable(e);
            }
            evaluate();
            maybeCommit();
        }
    }

    /** Counts a record left unread for want of the registry; logs once a minute. */
    private void registryUnavailable(RegistryUnavailableException e) {
        metrics.registryUnavailable(e.topic());
        long now = System.nanoTime();
        if (now - lastRegistryLogNanos >= REGISTRY_LOG_EVERY_NANOS) {
            lastRegistryLogNanos = now;
            LOG.warn("{}; the record is read again, nothing is skipped (logged once a minute)", e.getMessage());
        }
    }

    /** Wakes a blocked poll; thread-safe. */
    void wakeup() {
        clients.demand.wakeup();
    }

    /** Owns the models of the demand-estimates partitions it is assigned; restores them from the log. */
    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> parts) {
            if (parts.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> done = clients.demand.committed(Set.copyOf(parts));
            clients.demand.seekToBeginning(parts);
            Map<TopicPartition, Long> end = clients.demand.endOffsets(parts);
            ownership.assign(parts, done, end);
            plans.forget(m -> ownership.hashesTo(m, parts));
            scheduler.markAllDirty();
            LOG.info("assigned {}; restoring to {}, live from {}", parts, end, ownership.liveFrom());
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
            plans.forget(m -> ownership.hashesTo(m, parts));
            ownership.revoke(parts);
            LOG.info("revoked {}", parts);
        }
    }

    private boolean restored(String modelId) {
        return ownership.restored(modelId, clients.demand::position);
    }

    private void evaluate() {
        long now = clock.millis();
        List<String> owned = views.modelIds().stream().filter(ownership::owns).toList();
        metrics.ownedModels(owned.size());
        List<String> ready = owned.stream().filter(m -> scheduler.isCandidate(m, now) && restored(m)).toList();
        recover(ready.stream().filter(m -> !plans.isRecovered(m) && views.view(m).isPresent()).toList());
        for (String modelId : ready) {
            evaluate(modelId, now);
        }
        if (owned.stream().allMatch(this::restored)) {
            scheduler.settled();
        }
    }

    private void recover(List<String> models) {
        if (models.isEmpty()) {
            return;
        }
        PlanRecovery.Recovered r = recovery.recover(models);
        plans.recovered(models, r.found());
        metrics.recovered(r.took(), r.found().recordsRead(), r.waited());
    }

    private void evaluate(String modelId, long now) {
        Optional<InputView> view = views.view(modelId);
        if (view.isEmpty()) {
            scheduler.withoutView(modelId);
            return;
        }
        if (!plans.isRecovered(modelId)) {
            recover(List.of(modelId));
        }
        Optional<PlanBasis> basis = plans.last(modelId).map(PublishedPlan::basis);
        ReplanScheduler.Step step = scheduler.evaluate(modelId, view.get(), basis, now);
        if (step.decision() instanceof ReplanDecision.Solve sv) {
            metrics.trigger(sv.trigger().kind().name(), "solve");
            publish(modelId, view.get(), sv.trigger(), now);
        } else if (step.decision() instanceof ReplanDecision.Defer df && step.newDeferral()) {
            metrics.trigger(df.trigger().kind().name(), "defer");
        }
    }

    private void publish(String modelId, InputView view, Trigger trigger, long now) {
        Fleet fleet = new Fleet(view.model(), view.upServers(), view.demand().arrivals(), config.targetLoad());
        Optional<Placement> current = plans.lastOk(modelId).map(p -> p.plan().placement());
        long t0 = System.nanoTime();
        ReplanResult r;
        try {
            r = replanner.replan(fleet, objective, current);
        } catch (RuntimeException e) {
            solveFailed(modelId, now, e);
            return;
        }
        if (failing.remove(modelId)) {
            LOG.info("solving model {} works again", modelId);
        }
        Map<String, String> excluded = views.excluded(modelId);
        if (!excluded.isEmpty()) {
            metrics.serversExcluded(excluded.size());
            trigger = new Trigger(trigger.kind(), trigger.detail() + "; excluded " + excluded.entrySet().stream()
                    .map(x -> x.getKey() + " (" + x.getValue() + ")").collect(Collectors.joining(", ")));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        r = new ReplanResult(r.plan().withSolverMillis(took.toNanos() / 1e6), r.fixedPlacement(), r.diff(),
                r.keepLowerSeconds(), r.replaceLowerSeconds(), r.decision());
        metrics.solved(trigger.kind().name(), r.plan().status().name(), took);
        Optional<PublishedPlan> previous = plans.last(modelId);
        long epoch = previous.map(PublishedPlan::epoch).orElse(0L) + 1;
        ChainPlan avro = AvroMappers.chainPlan(epoch, Instant.ofEpochMilli(now), trigger,
                AvroMappers.inputs(views.model(modelId).orElseThrow(), view, config.targetLoad(), objective.cliName(),
                        r.fixedPlacement()),
                r, previous.map(p -> OptionalLong.of(p.epoch())).orElse(OptionalLong.empty()));
        commit(Optional.of(new PlanPublisher.Outgoing(avro, ownership.planPartition(modelId))));
        // the basis as recovery reads it back from the log: arrivals, token mix and coefficients included
        plans.published(new PublishedPlan(AvroMappers.basis(avro), r.plan()));
        scheduler.published(modelId, now);
        metrics.published(r.plan().status().name(), r.keptPlacement());
        LOG.info("published plan {} of {}: {} ({}), {}; {}", epoch, modelId, r.plan().status(), trigger.kind(),
                trigger.detail(), r.decision());
    }

    /**
     * A solve that throws is one model's problem: no plan is published for it (its routers keep the
     * last plan), it is counted and logged (once until it works again), and it is due again when its
     * inputs change or at its plan's maximum age; every other model is planned as before.
     */
    private void solveFailed(String modelId, long now, RuntimeException e) {
        metrics.solveFailed();
        scheduler.published(modelId, now);
        if (failing.add(modelId)) {
            LOG.error("solving model {} failed, no plan published for it (the last one stays in force; other models"
                    + " are planned as before): {}", modelId, e.toString(), e);
        } else {
            LOG.debug("solving model {} failed again: {}", modelId, e.toString());
        }
    }

    private void maybeCommit() {
        boolean advanced = !ownership.offsetsToCommit(clients.demand::position).isEmpty();
        boolean timeUp = System.nanoTime() - lastCommitNanos >= config.commitInterval().toNanos();
        if ((advanced || !inputs.pendingDeadLetters().isEmpty()) && timeUp) {
            commit(Optional.empty());
        }
    }

    /**
     * One transaction ({@link PlanPublisher}) with the pending dead letters, the plan (if any) and
     * the consumed demand offsets. A plan's transaction always carries the offset of its model's
     * demand partition, even when it did not advance (a plan triggered by a server estimate or by
     * age), so that the group's fencing (KIP-447) covers every plan.
     */
    private void commit(Optional<PlanPublisher.Outgoing> plan) {
        Map<TopicPartition, OffsetAndMetadata> offsets = ownership.offsetsToCommit(clients.demand::position);
        plan.ifPresent(p -> {
            TopicPartition tp = ownership.demandPartition(p.plan().getModelId());
            offsets.putIfAbsent(tp, new OffsetAndMetadata(clients.demand.position(tp)));
        });
        publisher.commit(inputs.pendingDeadLetters(), plan, offsets, clients.demand.groupMetadata());
        inputs.deadLettersWritten();
        ownership.committed(offsets);
        lastCommitNanos = System.nanoTime();
    }

    /** Stops as if the process died: no abort, no commit, no leave-group. */
    void abandon() {
        clients.abandon();
    }

    @Override
    public void close() {
        clients.close();
    }
}
