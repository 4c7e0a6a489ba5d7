package io.chainplan.optimizer.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Micrometer meters of the optimizer service (issue 7 item 7). Names:
 * <ul>
 *   <li>{@code chainplan.optimizer.solves} (counter; tags {@code trigger}, {@code status}): re-plans run</li>
 *   <li>{@code chainplan.optimizer.solve.time} (timer): wall time of one re-plan (both solves)</li>
 *   <li>{@code chainplan.optimizer.plans.published} (counter; tags {@code status}, {@code kept}):
 *       plans committed to the plans topic</li>
 *   <li>{@code chainplan.optimizer.triggers} (counter; tags {@code kind}, {@code action} = solve|defer)</li>
 *   <li>{@code chainplan.optimizer.dead.letters} (counter; tags {@code topic}, {@code stage})</li>
 *   <li>{@code chainplan.optimizer.session.restarts} (counter): Kafka sessions restarted after an error</li>
 *   <li>{@code chainplan.optimizer.owned.models} (gauge): models this instance plans for</li>
 * </ul>
 */
public final class OptimizerMetrics {
    private final MeterRegistry registry;
    private final Timer solveTime;
    private final Counter restarts;
    private final AtomicInteger ownedModels = new AtomicInteger();

    /**
     * @param registry where meters are registered
     */
    public OptimizerMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.solveTime = Timer.builder("chainplan.optimizer.solve.time")
                .description("Wall time of one re-plan (full search and kept placement)").register(registry);
        this.restarts = Counter.builder("chainplan.optimizer.session.restarts")
                .description("Kafka sessions restarted after an error").register(registry);
        registry.gauge("chainplan.optimizer.owned.models", ownedModels);
    }

    /** @return the registry */
    public MeterRegistry registry() {
        return registry;
    }

    void solved(String trigger, String status, Duration took) {
        registry.counter("chainplan.optimizer.solves", "trigger", trigger, "status", status).increment();
        solveTime.record(took);
    }

    void published(String status, boolean kept) {
        registry.counter("chainplan.optimizer.plans.published", "status", status, "kept", Boolean.toString(kept))
                .increment();
    }

    void trigger(String kind, String action) {
        registry.counter("chainplan.optimizer.triggers", "kind", kind, "action", action).increment();
    }

    void deadLetter(String topic, String stage) {
        registry.counter("chainplan.optimizer.dead.letters", "topic", topic, "stage", stage).increment();
    }

    void restarted() {
        restarts.increment();
    }

    void ownedModels(int n) {
        ownedModels.set(n);
    }

    /**
     * @return plans committed so far, over all tags
     */
    public double plansPublished() {
        return registry.find("chainplan.optimizer.plans.published").counters().stream().mapToDouble(Counter::count).sum();
    }

    /**
     * @return records dead-lettered so far, over all tags
     */
    public double deadLetters() {
        return registry.find("chainplan.optimizer.dead.letters").counters().stream().mapToDouble(Counter::count).sum();
    }
}
