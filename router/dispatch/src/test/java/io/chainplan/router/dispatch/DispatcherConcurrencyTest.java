package io.chainplan.router.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.router.policy.DispatchPolicies;
import io.chainplan.router.policy.DispatchPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many threads acquire (non-blocking, blocking with timeouts, async with cancellation) and release
 * while another thread switches plans: no slot is lost or counted twice, and no chain ever has more
 * leases than its capacity.
 */
class DispatcherConcurrencyTest {
    private static final long SEED = 1234L;
    private static final int THREADS = 6;
    private static final int OPERATIONS_PER_THREAD = 4000;
    private static final int PLANS = 12;
    private static final int CHAINS = 16;

    @ParameterizedTest
    @ValueSource(strings = {"jffc", "jsq", "jiq", "sed", "sa-jsq"})
    void shouldNeverExceedCapacityNorLeakSlots(String policyName) throws Exception {
        DispatchPolicy policy = DispatchPolicies.byName(policyName);
        Dispatcher d = Dispatcher.builder(TestPlans.MODEL, policy).build();
        List<RoutingPlan> plans = new ArrayList<>();
        for (int e = 1; e <= PLANS; e++) {
            plans.add(randomPlan(e, new SplittableRandom(SEED + e)));
        }
        d.apply(plans.get(0));
        AtomicIntegerArray held = new AtomicIntegerArray((PLANS + 1) * CHAINS);
        AtomicInteger violations = new AtomicInteger();
        AtomicLong granted = new AtomicLong();
        AtomicLong released = new AtomicLong();
        AtomicInteger progress = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                SplittableRandom random = new SplittableRandom(SEED * 31 + t);
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < OPERATIONS_PER_THREAD; i++) {
                        Lease lease = acquireSomehow(d, random);
                        if (lease != null) {
                            granted.incrementAndGet();
                            int slot = (int) lease.epoch() * CHAINS + lease.chainIndex();
                            if (held.incrementAndGet(slot) > lease.chain().capacity()) {
                                violations.incrementAndGet();
                            }
                            Thread.onSpinWait();
                            held.decrementAndGet(slot);
                            d.release(lease);
                            released.incrementAndGet();
                        }
                        progress.incrementAndGet();
                    }
                    return null;
                }));
            }
            futures.add(pool.submit(() -> {
                start.await();
                for (int e = 1; e < PLANS; e++) {
                    int target = e * THREADS * OPERATIONS_PER_THREAD / PLANS;
                    while (progress.get() < target) {
                        Thread.onSpinWait();
                    }
                    d.apply(plans.get(e));
                }
                return null;
            }));
            start.countDown();
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(violations).hasValue(0);
        assertThat(granted.get()).isEqualTo(released.get()).isPositive();
        assertThat(d.inServiceOnCurrentPlan()).isZero();
        assertThat(d.queueLength()).isZero();
        assertThat(d.currentPlan()).map(RoutingPlan::epoch).contains((long) PLANS);
        assertThat(d.tryAcquire()).isPresent();
    }

    private static Lease acquireSomehow(Dispatcher d, SplittableRandom random) throws Exception {
        switch (random.nextInt(4)) {
            case 0: {
                Optional<Lease> l = d.tryAcquire();
                return l.orElse(null);
            }
            case 1:
                return d.acquire(Duration.ofSeconds(60));
            case 2:
                try {
                    return d.acquire(Duration.ofNanos(random.nextInt(20_000)));
                } catch (TimeoutException e) {
                    return null;
                }
            default: {
                CompletableFuture<Lease> f = d.acquireAsync();
                if (random.nextBoolean() && f.cancel(false)) {
                    return null;
                }
                return f.get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static RoutingPlan randomPlan(long epoch, SplittableRandom random) {
        int k = 1 + random.nextInt(CHAINS);
        int[] caps = new int[k];
        double[] times = new double[k];
        for (int i = 0; i < k; i++) {
            caps[i] = 1 + random.nextInt(3);
            times[i] = 1 + random.nextInt(5);
        }
        return TestPlans.plan(epoch, caps, times);
    }
}
