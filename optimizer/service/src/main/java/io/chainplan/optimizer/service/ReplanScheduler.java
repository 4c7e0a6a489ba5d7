package io.chainplan.optimizer.service;

import io.chainplan.optimizer.replan.InputView;
import io.chainplan.optimizer.replan.PlanBasis;
import io.chainplan.optimizer.replan.ReplanDecision;
import io.chainplan.optimizer.replan.ReplanPolicy;
import io.chainplan.optimizer.replan.ReplanSettings;
import io.chainplan.optimizer.replan.Trigger;
import io.chainplan.optimizer.replan.TriggerKind;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which models are due for an evaluation when, and what {@link ReplanPolicy} decides for them
 * (issue 7 items 2 and 3). A model is a candidate when an input of it changed since its last
 * evaluation (dirty), when everything is dirty (a server estimate changed, or partitions were
 * assigned), or when its due time has come: the end of a debounce interval after a deferred
 * trigger, or the plan's maximum age. An evaluation clears the model's dirty mark and sets its
 * next due time from the decision.
 * <p>A model's first plan made from its spec's declared rate (no demand estimate yet, issue 16 item 2) waits
 * until the model's set of up servers has not changed for {@link ReplanSettings#fleetSettleMillis()}: servers
 * report one at a time, and a first plan from the first of them alone would cover part of the fleet (for a
 * model that fits on no single server, none) and move blocks at the next report. A first plan from a demand
 * estimate does not wait: traffic is being served, and the session has read every server estimate committed
 * before the estimate ({@link BroadcastTopics#catchUp}).
 * <p>Pure: time is passed in (ms since the epoch), no clock is read. Not thread-safe.
 */
final class ReplanScheduler {
    /**
     * One evaluation's outcome.
     *
     * @param decision    hold, defer or solve
     * @param newDeferral whether a deferral set a due time other than the one already set (so a
     *                    trigger deferred to the same time is counted once)
     */
    record Step(ReplanDecision decision, boolean newDeferral) {
        /** Validates the field. */
        Step {
            Objects.requireNonNull(decision, "decision");
        }
    }

    /** The up servers a model's view had when last evaluated without a plan, and since when. */
    private record FleetSeen(Set<String> serverIds, long sinceMillis) {
    }

    private final ReplanPolicy policy;
    private final long maxAgeMillis;
    private final Map<String, Long> due = new TreeMap<>();
    private final Map<String, FleetSeen> fleets = new TreeMap<>();
    private final Set<String> dirty = new TreeSet<>();
    private boolean allDirty;

    /**
     * @param policy       triggers and debounce
     * @param maxAgeMillis a plan older than this is re-evaluated (the policy's MAX_AGE trigger)
     */
    ReplanScheduler(ReplanPolicy policy, long maxAgeMillis) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.maxAgeMillis = maxAgeMillis;
    }

    /** @param modelId a model one of whose inputs changed */
    void markDirty(String modelId) {
        dirty.add(modelId);
    }

    /** Marks every model dirty (a server estimate changed, or demand partitions were assigned). */
    void markAllDirty() {
        allDirty = true;
    }

    /**
     * @param modelId   a model
     * @param nowMillis now
     * @return whether it should be evaluated now
     */
    boolean isCandidate(String modelId, long nowMillis) {
        Long at = due.get(modelId);
        return allDirty || dirty.contains(modelId) || (at != null && at <= nowMillis);
    }

    /**
     * @param modelId a model
     * @return when it is next due, if a time is set
     */
    OptionalLong dueAt(String modelId) {
        Long at = due.get(modelId);
        return at == null ? OptionalLong.empty() : OptionalLong.of(at);
    }

    /**
     * A model without a complete view (no spec or no demand estimate yet): nothing to decide, and
     * nothing is due until an input arrives.
     *
     * @param modelId the model
     */
    void withoutView(String modelId) {
        dirty.remove(modelId);
        due.remove(modelId);
    }

    /**
     * Evaluates a model: applies the policy and sets its next due time. After a hold the plan is
     * due at its maximum age; after a deferral, at the end of the debounce interval. After a solve
     * the caller publishes and then calls {@link #published}.
     *
     * @param modelId   the model
     * @param view      its latest view
     * @param basis     its last committed plan's basis, if any
     * @param nowMillis now
     * @return the decision
     */
    Step evaluate(String modelId, InputView view, Optional<PlanBasis> basis, long nowMillis) {
        dirty.remove(modelId);
        ReplanDecision d = unsettledFleet(modelId, view, basis, nowMillis).orElseGet(() -> policy.decide(basis, view, nowMillis));
        boolean newDeferral = false;
        if (d instanceof ReplanDecision.Defer df) {
            Long before = due.put(modelId, df.notBeforeMillis());
            newDeferral = before == null || before != df.notBeforeMillis();
        } else if (d instanceof ReplanDecision.Hold) {
            basis.ifPresent(b -> due.put(modelId, b.createdAtMillis() + maxAgeMillis));
        }
        return new Step(d, newDeferral);
    }

    /**
     * A deferral of a first plan from a declared rate while the model's fleet is still reporting: until its set of
     * up servers has been the same for the settle time.
     */
    private Optional<ReplanDecision> unsettledFleet(String modelId, InputView view, Optional<PlanBasis> basis,
            long nowMillis) {
        if (basis.isPresent() || !view.demand().declared()) {
            fleets.remove(modelId);
            return Optional.empty();
        }
        Set<String> ids = new TreeSet<>();
        view.upServers().forEach(s -> ids.add(s.id()));
        FleetSeen seen = fleets.get(modelId);
        if (seen == null || !seen.serverIds().equals(ids)) {
            seen = new FleetSeen(ids, nowMillis);
            fleets.put(modelId, seen);
        }
        long settledAt = seen.sinceMillis() + policy.settings().fleetSettleMillis();
        if (nowMillis >= settledAt) {
            return Optional.empty();
        }
        return Optional.of(new ReplanDecision.Defer(new Trigger(TriggerKind.INITIAL, String.format(Locale.ROOT,
                "no plan yet for model %s: its fleet (%d up servers) is still reporting", modelId, ids.size())), settledAt));
    }

    /**
     * @param modelId   a model whose plan was just committed
     * @param nowMillis its creation time
     */
    void published(String modelId, long nowMillis) {
        due.put(modelId, nowMillis + maxAgeMillis);
    }

    /** Every owned model has been restored and evaluated: clears every dirty mark. */
    void settled() {
        allDirty = false;
        dirty.clear();
    }
}
