package io.chainplan.router.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.router.policy.JffcDispatchPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DispatcherMetricsTest {
    @Test
    void shouldReportInServiceQueueLengthWaitTimeAndPlans() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicLong clock = new AtomicLong();
        Dispatcher d = Dispatcher.builder(TestPlans.MODEL, new JffcDispatchPolicy())
                .meterRegistry(registry).nanoClock(clock::get).build();
        d.apply(TestPlans.uniform(3, 2, 1));
        d.apply(TestPlans.uniform(2, 2, 1));
        Lease a = d.tryAcquire().orElseThrow();
        d.tryAcquire().orElseThrow();
        CompletableFuture<Lease> waiting = d.acquireAsync();

        assertThat(registry.get("chainplan.router.in.service").tag("chain", "0").gauge().value()).isEqualTo(1);
        assertThat(registry.get("chainplan.router.queue.length").gauge().value()).isEqualTo(1);
        assertThat(registry.get("chainplan.router.plan.epoch").gauge().value()).isEqualTo(3);
        assertThat(registry.get("chainplan.router.plans.applied").counter().count()).isEqualTo(1);
        assertThat(registry.get("chainplan.router.plans.ignored").counter().count()).isEqualTo(1);

        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(250));
        d.release(a);
        assertThat(waiting).isCompleted();
        assertThat(registry.get("chainplan.router.wait").timer().count()).isEqualTo(3);
        assertThat(registry.get("chainplan.router.wait").timer().max(TimeUnit.MILLISECONDS)).isEqualTo(250);
        assertThat(registry.get("chainplan.router.queue.length").gauge().value()).isZero();
    }
}
