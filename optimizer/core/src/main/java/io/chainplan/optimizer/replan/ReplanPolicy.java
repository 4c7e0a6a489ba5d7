package io.chainplan.optimizer.replan;

import java.util.Objects;
import java.util.Optional;

/**
 * Triggers plus debounce (issue 7, item 2): a trigger found by {@link TriggerDetector} leads to a
 * solve only if at least {@link ReplanSettings#minIntervalMillis()} have passed since the current
 * plan was made; otherwise the decision is deferred to that time. Since the last plan's creation
 * time is part of the plan, the debounce survives restarts, and a flapping input yields at most
 * one plan per interval. The first plan of a model is never deferred.
 * <p>Stateless, immutable, thread-safe; time is passed in.
 */
public final class ReplanPolicy {
    private final ReplanSettings settings;
    private final TriggerDetector detector;

    /**
     * @param settings thresholds and intervals
     */
    public ReplanPolicy(ReplanSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.detector = new TriggerDetector(settings);
    }

    /**
     * @return the settings this policy applies
     */
    public ReplanSettings settings() {
        return settings;
    }

    /**
     * @param basis     what the current plan was solved from; empty if there is none
     * @param view      the latest view of the model
     * @param nowMillis the current time, ms since the epoch
     * @return hold, defer until a time, or solve now with a trigger
     */
    public ReplanDecision decide(Optional<PlanBasis> basis, InputView view, long nowMillis) {
        Optional<Trigger> trigger = detector.detect(basis, view, nowMillis);
        if (trigger.isEmpty()) {
            return new ReplanDecision.Hold();
        }
        if (basis.isPresent()) {
            long notBefore = saturatedAdd(basis.get().createdAtMillis(), settings.minIntervalMillis());
            if (nowMillis < notBefore) {
                return new ReplanDecision.Defer(trigger.get(), notBefore);
            }
        }
        return new ReplanDecision.Solve(trigger.get());
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
