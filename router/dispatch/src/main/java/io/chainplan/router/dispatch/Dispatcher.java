package io.chainplan.router.dispatch;

import io.chainplan.router.policy.DispatchPolicy;
import io.chainplan.router.policy.DispatchState;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Thread-safe dispatcher a serving router embeds: hands out {@link Lease}s on the chains of the
 * current {@link RoutingPlan} under a {@link DispatchPolicy} (JFFC by default, DESIGN.md §1.2), and
 * queues requests when no chain may take them.
 * <ul>
 *   <li>{@link #tryAcquire()} never waits; {@link #acquireAsync()} returns a future completed when a
 *       slot is granted (cancel it to leave the queue); {@link #acquire(Duration)} blocks with a timeout
 *       and honours interruption.</li>
 *   <li>{@link #release(Lease)} frees the slot, or hands it at once to the request the policy picks.</li>
 *   <li>{@link #restore(long, int)} puts back a lease granted earlier (state rebuilt from a log).</li>
 *   <li>{@link #apply(RoutingPlan)} switches plans (DESIGN.md §2.4): new requests use the new chains at
 *       once, leases of older plans stay valid and are released to their plan, queued requests move to
 *       the new plan in FIFO order; a plan whose epoch is not newer is ignored.</li>
 * </ul>
 * <p>All decisions are made by the policy's {@link DispatchState} under one lock: O(log K) per operation
 * for K chains. Futures are completed outside the lock. Before the first plan, every request waits.
 * <p>Metrics (when a {@link MeterRegistry} is given), tagged {@code model}: gauges
 * {@code chainplan.router.in.service} (per {@code chain}), {@code chainplan.router.queue.length},
 * {@code chainplan.router.plan.epoch}; timer {@code chainplan.router.wait}; counters
 * {@code chainplan.router.plans.applied} and {@code chainplan.router.plans.ignored}.
 */
public final class Dispatcher {
    private final String modelId;
    private final DispatchPolicy policy;
    private final RandomGenerator random;
    private final LongSupplier nanoClock;
    private final DispatcherMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Long, Waiter> waiters = new HashMap<>();
    private volatile Generation current;
    private volatile boolean hasPlan;
    private long nextId;

    private Dispatcher(Builder b) {
        this.modelId = b.modelId;
        this.policy = b.policy;
        this.random = b.random;
        this.nanoClock = b.nanoClock;
        RoutingPlan none = RoutingPlan.empty(modelId, Long.MIN_VALUE);
        this.current = new Generation(none, policy.newState(none.chains(), random));
        this.metrics = new DispatcherMetrics(b.registry, this);
    }

    /**
     * Starts building a dispatcher.
     *
     * @param modelId the model whose plans it accepts
     * @param policy  the dispatch policy, e.g. {@link io.chainplan.router.policy.JffcDispatchPolicy}
     * @return a builder
     */
    public static Builder builder(String modelId, DispatchPolicy policy) {
        return new Builder(modelId, policy);
    }

    /**
     * The model this dispatcher serves.
     *
     * @return the model id
     */
    public String modelId() {
        return modelId;
    }

    /**
     * The dispatch policy.
     *
     * @return the policy
     */
    public DispatchPolicy policy() {
        return policy;
    }

    /**
     * Switches to {@code plan} if its epoch is newer than the current plan's (DESIGN.md §2.4).
     *
     * @param plan the new plan, for this dispatcher's model
     * @return true if applied, false if ignored as not newer
     * @throws IllegalArgumentException if the plan is for another model
     */
    public boolean apply(RoutingPlan plan) {
        Objects.requireNonNull(plan, "plan");
        if (!plan.modelId().equals(modelId)) {
            throw new IllegalArgumentException("plan is for model " + plan.modelId() + ", this dispatcher serves " + modelId);
        }
        List<Grant> grants = new ArrayList<>();
        lock.lock();
        try {
            if (hasPlan && plan.epoch() <= current.plan.epoch()) {
                metrics.planIgnored();
                return false;
            }
            Generation old = current;
            Generation next = new Generation(plan, policy.newState(plan.chains(), random));
            current = next;
            hasPlan = true;
            for (long id : old.state.drainQueued()) {
                int k = next.state.arrive(id);
                if (k >= 0) {
                    grants.add(grantLocked(next, k, id));
                }
            }
            metrics.planApplied(plan);
        } finally {
            lock.unlock();
        }
        for (Grant g : grants) {
            deliver(g);
        }
        return true;
    }

    /**
     * The plan new requests are dispatched to.
     *
     * @return the current plan, empty before the first plan was applied
     */
    public Optional<RoutingPlan> currentPlan() {
        lock.lock();
        try {
            return hasPlan ? Optional.of(current.plan) : Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes a slot now if the policy would start a request at once; never queues.
     *
     * @return the lease, or empty if the request would have to wait
     */
    public Optional<Lease> tryAcquire() {
        Lease lease = null;
        lock.lock();
        try {
            Generation g = current;
            int k = g.state.tryStart();
            if (k >= 0) {
                lease = new Lease(this, g, k, nextId++);
            }
        } finally {
            lock.unlock();
        }
        if (lease != null) {
            metrics.waited(0);
        }
        return Optional.ofNullable(lease);
    }

    /**
     * Puts back a lease granted earlier on chain {@code chain} of the current plan, by this process
     * before a restart or by another process whose state is being rebuilt from a record of its leases
     * (the dispatch service taking over a model, DESIGN.md §2.5): the slot counts as taken again and is
     * freed by {@link #release(Lease)} like any other. No chain is chosen and no waiting request moves.
     *
     * @param epoch the epoch of the plan the lease was granted on; must be the current plan's
     * @param chain the chain index in that plan
     * @return the lease, or empty if the chain is full (a record that would overbook it)
     * @throws IllegalStateException    if {@code epoch} is not the current plan's epoch
     * @throws IllegalArgumentException if the current plan has no chain {@code chain}
     */
    public Optional<Lease> restore(long epoch, int chain) {
        lock.lock();
        try {
            Generation g = current;
            if (!hasPlan || g.plan.epoch() != epoch) {
                throw new IllegalStateException("cannot restore a lease of plan " + epoch + " of model " + modelId
                        + ": the current plan is " + (hasPlan ? Long.toString(g.plan.epoch()) : "none"));
            }
            return g.state.occupy(chain) ? Optional.of(new Lease(this, g, chain, nextId++)) : Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Asks for a slot without blocking: the future completes with a lease when one is granted
     * (at once if a chain is free). Cancelling the future removes the request from the queue; if a
     * slot was granted concurrently it is released, never lost.
     *
     * @return a future lease
     */
    public CompletableFuture<Lease> acquireAsync() {
        CompletableFuture<Lease> future = new CompletableFuture<>();
        Lease lease = null;
        long id;
        lock.lock();
        try {
            Generation g = current;
            id = nextId++;
            int k = g.state.arrive(id);
            if (k >= 0) {
                lease = new Lease(this, g, k, id);
            } else {
                waiters.put(id, new Waiter(future, metrics.enabled() ? nanoClock.getAsLong() : 0L));
            }
        } finally {
            lock.unlock();
        }
        if (lease != null) {
            metrics.waited(0);
            future.complete(lease);
            return future;
        }
        long waitingId = id;
        future.whenComplete((l, ex) -> {
            if (ex instanceof CancellationException) {
                cancelWaiter(waitingId);
            }
        });
        return future;
    }

    /**
     * Blocks until a slot is granted, the timeout passes or the thread is interrupted. The request
     * waits in the policy's queue (one central FIFO queue for JFFC).
     *
     * @param timeout how long to wait at most
     * @return the lease
     * @throws TimeoutException     if no slot was granted in time (the request left the queue)
     * @throws InterruptedException if interrupted while waiting (the request left the queue)
     */
    public Lease acquire(Duration timeout) throws InterruptedException, TimeoutException {
        Objects.requireNonNull(timeout, "timeout");
        CompletableFuture<Lease> future = acquireAsync();
        try {
            return future.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (future.cancel(false)) {
                throw new TimeoutException("no chain of model " + modelId + " was free within " + timeout);
            }
            return future.join();
        } catch (InterruptedException e) {
            if (!future.cancel(false)) {
                release(future.join());
            }
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("acquire failed", e.getCause());
        }
    }

    /**
     * Frees the lease's slot on the plan it was taken from; if a request is waiting for that chain,
     * it starts on it at once.
     *
     * @param lease a lease from this dispatcher, not yet released
     * @throws IllegalArgumentException if the lease is from another dispatcher
     * @throws IllegalStateException    if the lease was already released
     */
    public void release(Lease lease) {
        Objects.requireNonNull(lease, "lease");
        if (lease.owner != this) {
            throw new IllegalArgumentException("lease " + lease + " belongs to another dispatcher");
        }
        Grant grant;
        lock.lock();
        try {
            grant = releaseLocked(lease);
        } finally {
            lock.unlock();
        }
        if (grant != null) {
            deliver(grant);
        }
    }

    /**
     * Requests waiting for a slot.
     *
     * @return the queue length (all queues of the current plan)
     */
    public int queueLength() {
        lock.lock();
        try {
            return current.state.queued();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Requests in service on a chain of the current plan (leases of older plans not counted).
     *
     * @param chain chain index in the current plan
     * @return the count, 0 for an index the current plan does not have
     */
    public int inService(int chain) {
        lock.lock();
        try {
            DispatchState s = current.state;
            return chain >= 0 && chain < s.chainCount() ? s.inService(chain) : 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Requests in service on the current plan's chains.
     *
     * @return the count
     */
    public int inServiceOnCurrentPlan() {
        lock.lock();
        try {
            return current.state.totalInService();
        } finally {
            lock.unlock();
        }
    }

    private Grant releaseLocked(Lease lease) {
        if (lease.released) {
            throw new IllegalStateException("lease already released: " + lease);
        }
        lease.released = true;
        Generation g = lease.generation;
        long next = g.state.depart(lease.chainIndex());
        return next >= 0 ? grantLocked(g, lease.chainIndex(), next) : null;
    }

    private Grant grantLocked(Generation g, int chain, long id) {
        Waiter w = waiters.remove(id);
        if (w == null) {
            throw new IllegalStateException("no waiter for request " + id);
        }
        Lease lease = new Lease(this, g, chain, id);
        if (metrics.enabled()) {
            metrics.waited(nanoClock.getAsLong() - w.enqueuedNanos);
        }
        return new Grant(w.future, lease);
    }

    /** Completes the future; if it was cancelled meanwhile, releases the slot (and so on). */
    private void deliver(Grant grant) {
        Grant g = grant;
        while (g != null && !g.future.complete(g.lease)) {
            lock.lock();
            try {
                g = releaseLocked(g.lease);
            } finally {
                lock.unlock();
            }
        }
    }

    private void cancelWaiter(long id) {
        lock.lock();
        try {
            if (waiters.remove(id) != null && !current.state.cancel(id)) {
                throw new IllegalStateException("request " + id + " was waiting but not queued");
            }
        } finally {
            lock.unlock();
        }
    }

    /** The gauge value: in service on chain {@code chain} of the current plan. */
    int inServiceGauge(int chain) {
        return inService(chain);
    }

    long epochGauge() {
        Generation g = current;
        return hasPlan ? g.plan.epoch() : -1;
    }

    /** One plan with its dispatch state. */
    static final class Generation {
        final RoutingPlan plan;
        final DispatchState state;

        Generation(RoutingPlan plan, DispatchState state) {
            this.plan = plan;
            this.state = state;
        }
    }

    private record Waiter(CompletableFuture<Lease> future, long enqueuedNanos) {
    }

    private record Grant(CompletableFuture<Lease> future, Lease lease) {
    }

    /** Builder of a {@link Dispatcher}. */
    public static final class Builder {
        private final String modelId;
        private final DispatchPolicy policy;
        private RandomGenerator random = new SplittableRandom(0x5eedL);
        private LongSupplier nanoClock = System::nanoTime;
        private MeterRegistry registry;

        private Builder(String modelId, DispatchPolicy policy) {
            this.modelId = Objects.requireNonNull(modelId, "modelId");
            this.policy = Objects.requireNonNull(policy, "policy");
        }

        /**
         * Randomness for randomised policies (JIQ). Default: a fixed-seed {@link SplittableRandom}.
         *
         * @param random the generator; used only under the dispatcher's lock
         * @return this builder
         */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * Clock for wait-time metrics. Default: {@link System#nanoTime()}.
         *
         * @param nanoClock monotonic nanoseconds
         * @return this builder
         */
        public Builder nanoClock(LongSupplier nanoClock) {
            this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        /**
         * Registers the dispatcher's metrics (optional; without it no metrics are kept).
         *
         * @param registry the registry
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Builds the dispatcher, with no plan yet.
         *
         * @return the dispatcher
         */
        public Dispatcher build() {
            return new Dispatcher(this);
        }
    }
}
