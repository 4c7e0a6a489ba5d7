package io.chainplan.router.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.router.client.ErrorBody;
import io.chainplan.router.client.RemoteLease;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.router.policy.JffcDispatchPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The order of recording and answering in {@link ModelDispatch}, with a lease log whose writes the test
 * completes or fails by hand: a grant is answered only once recorded, and its slot returns if the record
 * fails; a slot is reused only once its release is recorded; restored leases of the current plan hold
 * its slots again.
 */
class ModelDispatchTest {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final List<Pending> writes = new ArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private record Pending(String leaseId, LeaseEntry lease, LeaseLog.Change change, CompletableFuture<Void> done) {
    }

    @AfterEach
    void tearDown() {
        timers.shutdownNow();
    }

    private ModelDispatch.Context context() {
        LeaseLog log = (model, id, lease, change) -> {
            CompletableFuture<Void> f = new CompletableFuture<>();
            synchronized (writes) {
                writes.add(new Pending(id, lease, change, f));
            }
            return f;
        };
        return new ModelDispatch.Context(new JffcDispatchPolicy(), log, InstantSource.system(), Duration.ofSeconds(30),
                timers, new DispatchMetrics(meters), meters);
    }

    private static RoutingPlan plan(long epoch, int... capacities) {
        List<Chain> chains = new ArrayList<>();
        for (int k = 0; k < capacities.length; k++) {
            chains.add(new Chain(List.of(new Hop("s" + k, 0, 8)), capacities[k], 1.0 + k));
        }
        return new RoutingPlan("m", epoch, chains);
    }

    private Pending last() {
        synchronized (writes) {
            return writes.get(writes.size() - 1);
        }
    }

    @Test
    void shouldAnswerAGrantOnlyOnceRecordedAndFreeItsSlotIfTheRecordFails() {
        ModelDispatch m = ModelDispatch.start(plan(1, 1), List.of(), context());
        CompletableFuture<RemoteLease> first = m.acquire(0, null);
        assertThat(first).as("not answered before the record commits").isNotDone();
        assertThat(last().lease().chainIndex()).isZero();
        last().done().completeExceptionally(DispatchFailure.unavailable("m", "broker down"));
        assertThatThrownBy(first::join).isInstanceOf(CompletionException.class).cause()
                .isInstanceOfSatisfying(DispatchFailure.class, f -> assertThat(f.error()).isEqualTo(ErrorBody.UNAVAILABLE));
        assertThat(m.status().chains().get(0).inService()).as("the slot returned").isZero();

        CompletableFuture<RemoteLease> second = m.acquire(0, null);
        last().done().complete(null);
        assertThat(second.join().chain()).isZero();
        assertThat(m.liveLeases()).isEqualTo(1);
    }

    @Test
    void shouldReuseASlotOnlyOnceItsReleaseIsRecorded() {
        ModelDispatch m = ModelDispatch.start(plan(1, 1), List.of(), context());
        CompletableFuture<RemoteLease> held = m.acquire(0, null);
        last().done().complete(null);
        CompletableFuture<RemoteLease> waiting = m.acquire(60_000, null);
        assertThat(waiting).isNotDone();

        CompletableFuture<Void> failedRelease = m.release(held.join().leaseId());
        assertThat(last().change()).as("a release").isEqualTo(LeaseLog.Change.RELEASED);
        last().done().completeExceptionally(DispatchFailure.unavailable("m", "broker down"));
        assertThat(failedRelease).isCompletedExceptionally();
        assertThat(waiting).as("the slot is still held").isNotDone();
        assertThat(m.liveLeases()).isEqualTo(1);

        CompletableFuture<Void> release = m.release(held.join().leaseId());
        assertThat(waiting).as("not before the release is recorded").isNotDone();
        last().done().complete(null);
        release.join();
        assertThat(last().change()).as("the waiting request's grant is being recorded").isEqualTo(LeaseLog.Change.HELD);
        last().done().complete(null);
        assertThat(waiting.join().chain()).isZero();
    }

    @Test
    void shouldAnswerAnAcquireSentAgainWithTheSameRequestIdWithTheSameLease() {
        ModelDispatch m = ModelDispatch.start(plan(1, 2), List.of(), context());
        CompletableFuture<RemoteLease> first = m.acquire(0, "req-1");
        CompletableFuture<RemoteLease> retryWhileRecording = m.acquire(0, "req-1");
        assertThat(retryWhileRecording).as("the acquire under way").isSameAs(first);
        synchronized (writes) {
            assertThat(writes).as("one grant recorded").hasSize(1);
        }
        assertThat(last().lease().requestId()).as("the request id is recorded with the lease").isEqualTo("req-1");
        last().done().complete(null);
        RemoteLease granted = first.join();
        assertThat(m.acquire(0, "req-1").join()).as("a retry after the answer was lost").extracting(RemoteLease::leaseId)
                .isEqualTo(granted.leaseId());
        assertThat(m.status().chains().get(0).inService()).as("one slot, not two").isEqualTo(1);

        CompletableFuture<Void> released = m.release(granted.leaseId());
        last().done().complete(null);
        released.join();
        CompletableFuture<RemoteLease> afterRelease = m.acquire(0, "req-1");
        last().done().complete(null);
        assertThat(afterRelease.join().leaseId()).as("a released lease is not handed out again").isNotEqualTo(granted.leaseId());
    }

    @Test
    void shouldAnswerARetryOnTheNextOwnerWithTheLeaseRestoredFromTheLog() {
        long now = System.currentTimeMillis();
        LeaseEntry granted = new LeaseEntry("a", "m", 2, 0, List.of(new Hop("s0", 0, 8)), now, now + 30_000, "req-7");
        ModelDispatch next = ModelDispatch.start(plan(2, 1), List.of(granted), context());
        assertThat(next.acquire(0, "req-7").join().leaseId()).isEqualTo("a");
        synchronized (writes) {
            assertThat(writes).as("nothing new recorded").isEmpty();
        }
    }

    @Test
    void shouldRestoreLeasesOfTheCurrentPlanIntoItsSlotsAndKeepOlderOnesReleasable() {
        long now = System.currentTimeMillis();
        LeaseEntry current = new LeaseEntry("a", "m", 2, 0, List.of(new Hop("s0", 0, 8)), now, now + 30_000, null);
        LeaseEntry older = new LeaseEntry("b", "m", 1, 0, List.of(new Hop("x", 0, 8)), now, now + 30_000, null);
        LeaseEntry overflow = new LeaseEntry("c", "m", 2, 0, List.of(new Hop("s0", 0, 8)), now, now + 30_000, null);
        ModelDispatch m = ModelDispatch.start(plan(2, 1, 1), List.of(current, older, overflow), context());

        assertThat(m.liveLeases()).isEqualTo(3);
        assertThat(m.status().chains()).extracting(ModelDispatch.Status.ChainStatus::inService)
                .as("one slot of chain 0 (the overflow lease is not counted twice)").containsExactly(1, 0);
        CompletableFuture<RemoteLease> next = m.acquire(0, null);
        last().done().complete(null);
        assertThat(next.join().chain()).as("chain 0 is full").isEqualTo(1);

        CompletableFuture<Void> r = m.release("b");
        last().done().complete(null);
        r.join();
        assertThat(m.status().chains()).extracting(ModelDispatch.Status.ChainStatus::inService).containsExactly(1, 1);
        assertThatThrownBy(() -> m.release("b").join()).cause().isInstanceOfSatisfying(DispatchFailure.class,
                f -> assertThat(f.error()).isEqualTo(ErrorBody.UNKNOWN_LEASE));
    }

    @Test
    void shouldDrawLeaseIdsAsDistinctRandomUuids() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(ModelDispatch.newLeaseId());
        }

        assertThat(ids).hasSize(1000).allSatisfy(id -> {
            UUID u = UUID.fromString(id);
            assertThat(u.version()).as(id).isEqualTo(4);
            assertThat(u.variant()).as(id).isEqualTo(2);
        });
    }
}
