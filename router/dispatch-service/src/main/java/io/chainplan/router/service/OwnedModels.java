package io.chainplan.router.service;

import io.chainplan.router.dispatch.RoutingPlan;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which models this instance serves now. A model belongs to the {@code chainplan.leases} partition its
 * id hashes to (murmur2, as Kafka's default partitioner); the instance assigned that partition in the
 * consumer group serves it, once it has rebuilt the partition's leases from the log. Per partition:
 * not owned ({@code 421 not-owner}), restoring ({@code 503 not-ready}) or ready. A ready partition's
 * models are started lazily, on their latest plan; a model whose restored leases name a plan newer
 * than the latest one this instance has read waits for that plan ({@code 503 not-ready}), so that the
 * new plan's slots are never handed out twice. A model with neither a plan nor a spec is unknown
 * ({@code 404 unknown-model}) only once the instance has read the plans and model specs that were on
 * their topics when it started; before, it is not ready ({@code 503 not-ready}).
 * <p>Thread-safe (one lock; {@link ModelDispatch} has its own).
 */
final class OwnedModels {
    private static final Logger LOG = LoggerFactory.getLogger(OwnedModels.class);

    private final String instanceId;
    private final ModelDispatch.Context ctx;
    private final Function<String, Optional<RoutingPlan>> plans;
    private final Predicate<String> knownModel;
    private final BooleanSupplier caughtUp;
    private int partitions;
    private final Set<Integer> restoring = new TreeSet<>();
    private final Set<Integer> ready = new TreeSet<>();
    private final Map<String, ModelDispatch> served = new TreeMap<>();
    private final Map<String, List<LeaseEntry>> waitingForPlan = new TreeMap<>();

    /**
     * @param instanceId this instance, named in not-owner answers
     * @param ctx        what every model shares
     * @param plans      the latest plan per model (the plan subscriber's)
     * @param knownModel whether a model has a spec on {@code chainplan.models}
     * @param caughtUp   whether the plans and the model specs have been read up to where their topics ended
     *                   when the instance started: until then a model without either is not ready, not unknown
     */
    OwnedModels(String instanceId, ModelDispatch.Context ctx, Function<String, Optional<RoutingPlan>> plans,
                Predicate<String> knownModel, BooleanSupplier caughtUp) {
        this.instanceId = instanceId;
        this.ctx = ctx;
        this.plans = plans;
        this.knownModel = knownModel;
        this.caughtUp = caughtUp;
    }

    /**
     * @param key        a model id
     * @param partitions partitions of the leases topic
     * @return the partition its leases go to
     */
    static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** @return the leases partition of the model; the session must have started */
    synchronized int partitionOf(String modelId) {
        if (partitions == 0) {
            throw new IllegalStateException("no session yet");
        }
        return partitionOf(modelId, partitions);
    }

    /** @return whether partition {@code p} is owned and rebuilt */
    synchronized boolean ready(int p) {
        return ready.contains(p);
    }

    /**
     * The model a request is for.
     *
     * @param modelId the model
     * @return the served model
     * @throws DispatchFailure unknown model, not owner, not ready, or no plan
     */
    synchronized ModelDispatch lookup(String modelId) {
        ModelDispatch m = served.get(modelId);
        if (m != null) {
            return m;
        }
        Optional<RoutingPlan> plan = plans.apply(modelId);
        if (plan.isEmpty() && !caughtUp.getAsBoolean()) {
            throw DispatchFailure.notReady(modelId, "the instance is still reading the plans and model specs");
        }
        if (plan.isEmpty() && !knownModel.test(modelId)) {
            throw DispatchFailure.unknownModel(modelId);
        }
        if (partitions == 0) {
            throw DispatchFailure.notReady(modelId, "the instance is joining its group");
        }
        int p = partitionOf(modelId, partitions);
        if (restoring.contains(p)) {
            throw DispatchFailure.notReady(modelId, "rebuilding the leases of partition " + p + " after a takeover");
        }
        if (!ready.contains(p)) {
            throw DispatchFailure.notOwner(modelId, instanceId);
        }
        if (waitingForPlan.containsKey(modelId)) {
            throw DispatchFailure.notReady(modelId, "waiting for plan " + maxEpoch(waitingForPlan.get(modelId))
                    + ", which its leases name");
        }
        if (plan.isEmpty()) {
            throw DispatchFailure.noPlan(modelId);
        }
        return startLocked(plan.get(), List.of());
    }

    private ModelDispatch startLocked(RoutingPlan plan, List<LeaseEntry> restored) {
        ModelDispatch m = ModelDispatch.start(plan, restored, ctx);
        served.put(plan.modelId(), m);
        ctx.metrics().ownedModels(served.size());
        LOG.info("serving model {} on plan {} with {} leases restored", plan.modelId(), plan.epoch(), restored.size());
        return m;
    }

    /**
     * A new session joined: forgets everything.
     *
     * @param leasePartitions partitions of the leases topic
     */
    synchronized void reset(int leasePartitions) {
        closeLocked(new ArrayList<>(served.keySet()));
        restoring.clear();
        ready.clear();
        waitingForPlan.clear();
        partitions = leasePartitions;
    }

    /** The session ended: nothing is served until the next one. */
    synchronized void stop() {
        reset(0);
    }

    /** @param parts partitions assigned; their leases are being rebuilt */
    synchronized void assigned(Collection<Integer> parts) {
        restoring.addAll(parts);
    }

    /**
     * A partition's leases are rebuilt: its models are served from now on.
     *
     * @param p       the partition
     * @param byModel its live leases, by model
     */
    synchronized void restored(int p, Map<String, List<LeaseEntry>> byModel) {
        if (!restoring.remove(p)) {
            return;
        }
        ready.add(p);
        byModel.forEach((model, leases) -> {
            Optional<RoutingPlan> plan = plans.apply(model);
            if (plan.isPresent() && plan.get().epoch() >= maxEpoch(leases)) {
                startLocked(plan.get(), leases);
            } else {
                LOG.info("model {} has {} leases of plan {}; waiting for that plan", model, leases.size(), maxEpoch(leases));
                waitingForPlan.put(model, leases);
            }
        });
    }

    /** @param parts partitions revoked or lost: their models stop being served here */
    synchronized void revoked(Collection<Integer> parts) {
        restoring.removeAll(parts);
        ready.removeAll(parts);
        waitingForPlan.keySet().removeIf(m -> parts.contains(partitionOf(m, partitions)));
        closeLocked(served.keySet().stream().filter(m -> parts.contains(partitionOf(m, partitions))).toList());
    }

    private void closeLocked(List<String> models) {
        for (String m : models) {
            served.remove(m).close();
            LOG.info("stopped serving model {}", m);
        }
        ctx.metrics().ownedModels(served.size());
    }

    /**
     * A newer plan for a model: applied if it is served, or starts it if its leases waited for it.
     *
     * @param plan the plan
     */
    synchronized void onPlan(RoutingPlan plan) {
        ModelDispatch m = served.get(plan.modelId());
        if (m != null) {
            m.apply(plan);
            return;
        }
        List<LeaseEntry> waiting = waitingForPlan.get(plan.modelId());
        if (waiting != null && plan.epoch() >= maxEpoch(waiting)) {
            waitingForPlan.remove(plan.modelId());
            startLocked(plan, waiting);
        }
    }

    /** Expires the due leases of every served model. */
    void expireDue() {
        List<ModelDispatch> models;
        synchronized (this) {
            models = List.copyOf(served.values());
        }
        models.forEach(ModelDispatch::expireDue);
    }

    private static long maxEpoch(List<LeaseEntry> leases) {
        return leases.stream().mapToLong(LeaseEntry::planEpoch).max().orElse(Long.MIN_VALUE);
    }
}
