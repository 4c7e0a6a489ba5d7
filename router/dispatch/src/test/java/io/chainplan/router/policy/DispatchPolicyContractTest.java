package io.chainplan.router.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.router.dispatch.Dispatcher;
import io.chainplan.router.dispatch.Lease;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.router.dispatch.TestPlans;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Behaviour every {@link DispatchPolicy} must have (STYLE.md §7.4), on the bare state and through
 * the {@link Dispatcher}. Extended once per policy.
 */
abstract class DispatchPolicyContractTest {
    static final long SEED = 42L;

    abstract DispatchPolicy policy();

    DispatchState state(RoutingPlan plan) {
        return policy().newState(plan.chains(), new SplittableRandom(SEED));
    }

    @Test
    void shouldStartTheFirstRequestAtOnce() {
        DispatchState s = state(TestPlans.uniform(1, 3, 2));
        int k = s.arrive(0);
        assertThat(k).isBetween(0, 2);
        assertThat(s.inService(k)).isEqualTo(1);
        assertThat(s.totalInService()).isEqualTo(1);
        assertThat(s.queued()).isZero();
    }

    @Test
    void shouldQueueOnlyWhenEveryChainIsFull() {
        DispatchState s = state(TestPlans.plan(1, new int[] {2, 3}, new double[] {1, 1}));
        for (long t = 0; t < 5; t++) {
            assertThat(s.arrive(t)).isNotNegative();
        }
        assertThat(s.arrive(5)).isEqualTo(DispatchState.NO_CHAIN);
        assertThat(s.tryStart()).isEqualTo(DispatchState.NO_CHAIN);
        assertThat(s.inService(0)).isEqualTo(2);
        assertThat(s.inService(1)).isEqualTo(3);
        assertThat(s.queued()).isEqualTo(1);
    }

    @Test
    void shouldHandAFreedSlotToAWaitingRequest() {
        DispatchState s = state(TestPlans.plan(1, new int[] {1}, new double[] {1}));
        s.arrive(10);
        s.arrive(11);
        s.arrive(12);
        assertThat(s.depart(0)).isEqualTo(11);
        assertThat(s.depart(0)).isEqualTo(12);
        assertThat(s.inService(0)).isEqualTo(1);
        assertThat(s.depart(0)).isEqualTo(DispatchState.NO_TOKEN);
        assertThat(s.inService(0)).isZero();
        assertThatThrownBy(() -> s.depart(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldOccupyAFreeSlotOfTheGivenChainOnly() {
        DispatchState s = state(TestPlans.plan(1, new int[] {1, 2}, new double[] {1, 2}));
        assertThat(s.occupy(1)).isTrue();
        assertThat(s.occupy(1)).isTrue();
        assertThat(s.occupy(1)).as("chain 1 is full").isFalse();
        assertThat(s.inService(1)).isEqualTo(2);
        assertThat(s.totalInService()).isEqualTo(2);
        assertThat(s.arrive(7)).as("the only free slot").isZero();
        assertThat(s.depart(1)).isEqualTo(DispatchState.NO_TOKEN);
        assertThat(s.inService(1)).as("a restored slot is freed like any other").isEqualTo(1);
        assertThatThrownBy(() -> s.occupy(2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRestoreLeasesOnTheCurrentPlanThroughTheDispatcher() {
        Dispatcher d = Dispatcher.builder(TestPlans.MODEL, policy()).build();
        RoutingPlan plan = TestPlans.plan(3, new int[] {1, 1}, new double[] {1, 2});
        assertThatThrownBy(() -> d.restore(3, 0)).isInstanceOf(IllegalStateException.class);
        d.apply(plan);
        Lease restored = d.restore(3, 1).orElseThrow();
        assertThat(restored.chainIndex()).isEqualTo(1);
        assertThat(restored.epoch()).isEqualTo(3);
        assertThat(d.restore(3, 1)).as("chain 1 is full").isEmpty();
        assertThatThrownBy(() -> d.restore(2, 0)).isInstanceOf(IllegalStateException.class);
        assertThat(d.inService(1)).isEqualTo(1);
        assertThat(d.inServiceOnCurrentPlan()).isEqualTo(1);
        d.release(restored);
        assertThat(d.inService(1)).isZero();
        assertThatThrownBy(() -> d.release(restored)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldCancelAWaitingRequestOnly() {
        DispatchState s = state(TestPlans.plan(1, new int[] {1}, new double[] {1}));
        s.arrive(1);
        s.arrive(2);
        s.arrive(3);
        assertThat(s.cancel(2)).isTrue();
        assertThat(s.cancel(1)).isFalse();
        assertThat(s.queued()).isEqualTo(1);
        assertThat(s.depart(0)).isEqualTo(3);
    }

    @Test
    void shouldDrainWaitingRequestsInArrivalOrder() {
        DispatchState s = state(TestPlans.plan(1, new int[] {1, 1, 1}, new double[] {1, 1, 1}));
        for (long t = 0; t < 10; t++) {
            s.arrive(t);
        }
        assertThat(s.drainQueued()).containsExactly(3, 4, 5, 6, 7, 8, 9);
        assertThat(s.queued()).isZero();
        assertThat(s.totalInService()).isEqualTo(3);
    }

    @Test
    void shouldQueueEverythingWithoutChains() {
        DispatchState s = state(RoutingPlan.empty(TestPlans.MODEL, 0));
        assertThat(s.arrive(0)).isEqualTo(DispatchState.NO_CHAIN);
        assertThat(s.tryStart()).isEqualTo(DispatchState.NO_CHAIN);
        assertThat(s.drainQueued()).containsExactly(0);
    }

    @Test
    void shouldRejectNegativeTokensAndUnknownChains() {
        DispatchState s = state(TestPlans.uniform(1, 2, 1));
        assertThatThrownBy(() -> s.arrive(-5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-5");
        assertThatThrownBy(() -> s.inService(2)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2");
    }

    @Test
    void shouldKeepCountsConsistentUnderRandomArrivalsAndDepartures() {
        RoutingPlan plan = TestPlans.plan(1, new int[] {3, 1, 4, 2, 5}, new double[] {2, 1, 3, 1, 5});
        DispatchState s = state(plan);
        SplittableRandom random = new SplittableRandom(SEED);
        long arrived = 0;
        long finished = 0;
        for (int step = 0; step < 50_000; step++) {
            if (random.nextInt(100) < 52 || s.totalInService() == 0) {
                s.arrive(arrived++);
            } else {
                int k = random.nextInt(plan.chainCount());
                if (s.inService(k) > 0) {
                    s.depart(k);
                    finished++;
                }
            }
            int sum = 0;
            for (int k = 0; k < plan.chainCount(); k++) {
                assertThat(s.inService(k)).isBetween(0, plan.chains().get(k).capacity());
                sum += s.inService(k);
            }
            assertThat(sum).isEqualTo(s.totalInService());
            assertThat(arrived).isEqualTo(finished + s.totalInService() + s.queued());
        }
    }

    @Test
    void shouldGrantQueuedRequestsThroughTheDispatcher() {
        Dispatcher d = Dispatcher.builder(TestPlans.MODEL, policy()).build();
        d.apply(TestPlans.plan(1, new int[] {1}, new double[] {1}));
        Lease first = d.tryAcquire().orElseThrow();
        CompletableFuture<Lease> second = d.acquireAsync();
        assertThat(second).isNotDone();
        assertThat(d.tryAcquire()).isEmpty();
        d.release(first);
        assertThat(second).isCompletedWithValueMatching(l -> l.chainIndex() == 0);
        d.release(second.join());
        assertThat(d.inServiceOnCurrentPlan()).isZero();
        assertThatThrownBy(() -> d.release(first)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldMoveQueuedRequestsToANewPlanAndAccountOldLeasesToTheOldPlan() {
        Dispatcher d = Dispatcher.builder(TestPlans.MODEL, policy()).build();
        d.apply(TestPlans.plan(1, new int[] {1}, new double[] {1}));
        Lease old = d.tryAcquire().orElseThrow();
        List<CompletableFuture<Lease>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(d.acquireAsync());
        }
        assertThat(d.apply(TestPlans.plan(2, new int[] {2}, new double[] {1}))).isTrue();
        assertThat(waiting.get(0)).isCompletedWithValueMatching(l -> l.epoch() == 2);
        assertThat(waiting.get(1)).isCompletedWithValueMatching(l -> l.epoch() == 2);
        assertThat(waiting.get(2)).isNotDone();
        assertThat(d.inServiceOnCurrentPlan()).isEqualTo(2);
        d.release(old);
        assertThat(waiting.get(2)).isNotDone();
        assertThat(d.inServiceOnCurrentPlan()).isEqualTo(2);
        d.release(waiting.get(0).join());
        assertThat(waiting.get(2)).isCompletedWithValueMatching(l -> l.epoch() == 2);
    }

    @Test
    void shouldIgnoreAPlanThatIsNotNewer() {
        Dispatcher d = Dispatcher.builder(TestPlans.MODEL, policy()).build();
        assertThat(d.apply(TestPlans.uniform(5, 2, 1))).isTrue();
        assertThat(d.apply(TestPlans.uniform(5, 3, 1))).isFalse();
        assertThat(d.apply(TestPlans.uniform(4, 3, 1))).isFalse();
        assertThat(d.currentPlan()).map(RoutingPlan::chainCount).contains(2);
    }

    @Test
    void shouldWaitForTheFirstPlan() {
        Dispatcher d = Dispatcher.builder(TestPlans.MODEL, policy()).build();
        assertThat(d.currentPlan()).isEmpty();
        assertThat(d.tryAcquire()).isEqualTo(Optional.empty());
        CompletableFuture<Lease> f = d.acquireAsync();
        d.apply(TestPlans.uniform(1, 1, 1));
        assertThat(f).isCompletedWithValueMatching(l -> l.hops().get(0).serverId().equals("s0"));
    }

    @Test
    void shouldLeaveTheQueueWhenAFutureIsCancelled() {
        Dispatcher d = Dispatcher.builder(TestPlans.MODEL, policy()).build();
        d.apply(TestPlans.uniform(1, 1, 1));
        Lease held = d.tryAcquire().orElseThrow();
        CompletableFuture<Lease> f = d.acquireAsync();
        assertThat(d.queueLength()).isEqualTo(1);
        f.cancel(false);
        assertThat(d.queueLength()).isZero();
        d.release(held);
        assertThat(d.inServiceOnCurrentPlan()).isZero();
    }
}
