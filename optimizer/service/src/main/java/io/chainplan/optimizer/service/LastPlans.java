package io.chainplan.optimizer.service;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The last committed plan and the last committed {@code OK} plan of each model this instance
 * owns, as domain values, and which models have been recovered from the log since their partition
 * was assigned (a model is evaluated only once recovered: its next epoch and its trigger basis
 * come from here).
 * <p>Not thread-safe: owned by the session's thread.
 */
final class LastPlans {
    private final Map<String, PublishedPlan> last = new TreeMap<>();
    private final Map<String, PublishedPlan> lastOk = new TreeMap<>();
    private final Set<String> recovered = new TreeSet<>();

    /**
     * @param modelId a model
     * @return its last committed plan, if any
     */
    Optional<PublishedPlan> last(String modelId) {
        return Optional.ofNullable(last.get(modelId));
    }

    /**
     * @param modelId a model
     * @return its last committed {@code OK} plan, if any
     */
    Optional<PublishedPlan> lastOk(String modelId) {
        return Optional.ofNullable(lastOk.get(modelId));
    }

    /**
     * @param modelId a model
     * @return whether its plans were recovered since its partition was assigned
     */
    boolean isRecovered(String modelId) {
        return recovered.contains(modelId);
    }

    /**
     * @param models the models recovered
     * @param found  what the log held for them
     */
    void recovered(Collection<String> models, PlanRecovery.Found found) {
        found.last().forEach(last::put);
        found.lastOk().forEach(lastOk::put);
        recovered.addAll(models);
    }

    /** @param plan a plan just committed */
    void published(PublishedPlan plan) {
        last.put(plan.modelId(), plan);
        if (plan.isOk()) {
            lastOk.put(plan.modelId(), plan);
        }
    }

    /**
     * Forgets these models (their partition was assigned, revoked or lost): after an assignment they
     * are recovered again from the log before their next evaluation, since another instance may
     * have published for them meanwhile.
     *
     * @param models which models
     */
    void forget(Predicate<String> models) {
        recovered.removeIf(models);
        last.keySet().removeIf(models);
        lastOk.keySet().removeIf(models);
    }
}
