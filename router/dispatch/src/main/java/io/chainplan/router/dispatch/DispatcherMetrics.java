package io.chainplan.router.dispatch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Micrometer instruments of one {@link Dispatcher}; all no-ops without a registry. */
final class DispatcherMetrics {
    private final MeterRegistry registry;
    private final Dispatcher dispatcher;
    private final Timer wait;
    private final Counter applied;
    private final Counter ignored;
    /** Chain gauges registered so far (indices 0..registeredChains-1); guarded by the dispatcher lock. */
    private int registeredChains;

    DispatcherMetrics(MeterRegistry registry, Dispatcher dispatcher) {
        this.registry = registry;
        this.dispatcher = dispatcher;
        if (registry == null) {
            wait = null;
            applied = null;
            ignored = null;
            return;
        }
        String model = dispatcher.modelId();
        wait = Timer.builder("chainplan.router.wait").description("time from acquire to grant")
                .tag("model", model).register(registry);
        applied = Counter.builder("chainplan.router.plans.applied").tag("model", model).register(registry);
        ignored = Counter.builder("chainplan.router.plans.ignored").description("plans whose epoch was not newer")
                .tag("model", model).register(registry);
        Gauge.builder("chainplan.router.queue.length", dispatcher, Dispatcher::queueLength)
                .tag("model", model).strongReference(true).register(registry);
        Gauge.builder("chainplan.router.plan.epoch", dispatcher, Dispatcher::epochGauge)
                .tag("model", model).strongReference(true).register(registry);
    }

    boolean enabled() {
        return registry != null;
    }

    void waited(long nanos) {
        if (wait != null) {
            wait.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    void planApplied(RoutingPlan plan) {
        if (registry == null) {
            return;
        }
        applied.increment();
        for (int k = registeredChains; k < plan.chainCount(); k++) {
            int chain = k;
            Gauge.builder("chainplan.router.in.service", dispatcher, d -> d.inServiceGauge(chain))
                    .tag("model", dispatcher.modelId()).tag("chain", Integer.toString(chain))
                    .strongReference(true).register(registry);
        }
        registeredChains = Math.max(registeredChains, plan.chainCount());
    }

    void planIgnored() {
        if (ignored != null) {
            ignored.increment();
        }
    }
}
