package io.chainplan.router.service;

import io.chainplan.router.client.RemoteLease;
import io.chainplan.router.dispatch.Dispatcher;
import io.chainplan.router.dispatch.Lease;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.router.policy.DispatchPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model served by this instance: its central queue and in-service counts (a {@link Dispatcher},
 * the one implementation of JFFC) and its live leases, each recorded on the {@link LeaseLog} before it
 * is answered.
 * <ul>
 *   <li>Acquire: the dispatcher grants a slot (at once or after waiting in the queue up to the
 *       request's timeout), then the grant is recorded; only then is the lease answered. If the record
 *       fails, the slot is released and the request fails.</li>
 *   <li>Release and expiry: the release (a tombstone) or the expiry (an EXPIRED record) is recorded
 *       first, then the slot is freed (handed to the head of the queue). If the record fails, the lease stays held.</li>
 *   <li>Renew: the later expiry is recorded, then used.</li>
 * </ul>
 * So the log never holds fewer leases than are in use: a grant is recorded before its holder knows of
 * it, a slot is reused only after its release is recorded. A new owner that rebuilds the counts from
 * the log can therefore not overbook a chain. Writes of one lease are submitted to the log under this
 * object's lock, so they are recorded in the order they were decided.
 * <p>Leases of older plans (restored from the log, or granted before a plan switch) are released to
 * their plan (DESIGN.md §2.4); restored leases of the current plan occupy its slots again
 * ({@link Dispatcher#restore}).
 * <p>An acquire may carry the client's request id, recorded with its lease: the same id again while that
 * acquire is under way, or while its lease is live, gets the same lease (a client's retry after a lost answer
 * costs no second slot, on this owner or, from the log, the next). Thread-safe.
 */
final class ModelDispatch {
    private static final ThreadLocal<SecureRandom> LEASE_IDS = ThreadLocal.withInitial(ModelDispatch::leaseIdGenerator);
    private static final Logger LOG = LoggerFactory.getLogger(ModelDispatch.class);
    /** How many expired lease ids are remembered, to answer 410 instead of 404. */
    private static final int REMEMBERED_EXPIRED = 10_000;

    /** What every model of an instance shares. */
    record Context(DispatchPolicy policy, LeaseLog log, InstantSource clock, Duration ttl,
                   ScheduledExecutorService timers, DispatchMetrics metrics, MeterRegistry registry) {
        Context {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(log, "log");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(ttl, "ttl");
            Objects.requireNonNull(timers, "timers");
            Objects.requireNonNull(metrics, "metrics");
            Objects.requireNonNull(registry, "registry");
        }
    }

    /** A live lease; {@code lease} is null for a lease of an older plan restored from the log. */
    private static final class Live {
        LeaseEntry entry;
        final Lease lease;
        CompletableFuture<Void> closing;

        Live(LeaseEntry entry, Lease lease) {
            this.entry = entry;
            this.lease = lease;
        }
    }

    private final String modelId;
    private final Context ctx;
    private final Dispatcher dispatcher;
    private final Map<String, Live> leases = new HashMap<>();
    private final Map<String, Boolean> expired = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_EXPIRED;
        }
    };
    private final Set<CompletableFuture<Lease>> waiting = ConcurrentHashMap.newKeySet();
    /** Live leases by the request id of the acquire that got them. */
    private final Map<String, String> leaseOfRequest = new HashMap<>();
    /** Acquires under way, by request id. */
    private final Map<String, CompletableFuture<RemoteLease>> acquiring = new HashMap<>();
    private volatile boolean closed;

    private ModelDispatch(String modelId, Context ctx) {
        this.modelId = modelId;
        this.ctx = ctx;
        this.dispatcher = Dispatcher.builder(modelId, ctx.policy()).meterRegistry(ctx.registry()).build();
    }

    /**
     * Starts serving a model on its latest plan with the leases rebuilt from the log.
     *
     * @param plan     the plan in force; its epoch is at least every restored lease's
     * @param restored the model's live leases in the log
     * @param ctx      shared dependencies
     * @return the model, ready for requests
     */
    static ModelDispatch start(RoutingPlan plan, Collection<LeaseEntry> restored, Context ctx) {
        ModelDispatch m = new ModelDispatch(plan.modelId(), ctx);
        m.dispatcher.apply(plan);
        List<LeaseEntry> sorted = new ArrayList<>(restored);
        sorted.sort(Comparator.comparing(LeaseEntry::leaseId));
        synchronized (m) {
            for (LeaseEntry e : sorted) {
                m.leases.put(e.leaseId(), new Live(e, m.restoreSlot(plan, e)));
                if (e.requestId() != null) {
                    m.leaseOfRequest.put(e.requestId(), e.leaseId());
                }
            }
        }
        ctx.metrics().restored(plan.modelId(), sorted.size());
        return m;
    }

    private Lease restoreSlot(RoutingPlan plan, LeaseEntry e) {
        if (e.planEpoch() != plan.epoch()) {
            return null;
        }
        if (e.chainIndex() >= plan.chainCount() || !plan.chains().get(e.chainIndex()).hops().equals(e.hops())) {
            LOG.warn("lease {} of model {} names chain {} of plan {}, which is not that chain; kept as a lease of an "
                    + "older plan", e.leaseId(), modelId, e.chainIndex(), e.planEpoch());
            return null;
        }
        Lease l = dispatcher.restore(plan.epoch(), e.chainIndex()).orElse(null);
        if (l == null) {
            LOG.error("lease {} of model {} would overbook chain {} of plan {} (the log holds more leases than its "
                    + "capacity); kept, but not counted", e.leaseId(), modelId, e.chainIndex(), e.planEpoch());
        }
        return l;
    }

    /** @return the model id */
    String modelId() {
        return modelId;
    }

    /**
     * Switches to a newer plan (DESIGN.md §2.4); older ones are ignored.
     *
     * @param plan the plan
     */
    void apply(RoutingPlan plan) {
        dispatcher.apply(plan);
    }

    /** @return the plan new requests are dispatched to */
    RoutingPlan plan() {
        return dispatcher.currentPlan().orElseThrow();
    }

    /**
     * Acquires a slot, waiting up to {@code timeoutMs} in the central queue, and records the lease; with a
     * request id already under way or holding a live lease, that acquire's lease instead.
     *
     * @param timeoutMs longest wait, ms
     * @param requestId the client's id of the acquire, or null
     * @return the recorded lease; fails with a {@link DispatchFailure}
     */
    CompletableFuture<RemoteLease> acquire(long timeoutMs, String requestId) {
        if (requestId == null) {
            return acquire(timeoutMs, (String) null, new CompletableFuture<>());
        }
        CompletableFuture<RemoteLease> out;
        synchronized (this) {
            Live live = Optional.ofNullable(leaseOfRequest.get(requestId)).map(leases::get).orElse(null);
            if (live != null && live.closing == null) {
                return CompletableFuture.completedFuture(live.entry.toRemote(ctx.ttl().toMillis(), 0));
            }
            CompletableFuture<RemoteLease> under = acquiring.get(requestId);
            if (under != null) {
                return under;
            }
            out = new CompletableFuture<>();
            acquiring.put(requestId, out);
        }
        out.whenComplete((l, ex) -> {
            synchronized (this) {
                acquiring.remove(requestId, out);
            }
        });
        return acquire(timeoutMs, requestId, out);
    }

    private CompletableFuture<RemoteLease> acquire(long timeoutMs, String requestId, CompletableFuture<RemoteLease> out) {
        long t0 = System.nanoTime();
        CompletableFuture<Lease> granted = dispatcher.acquireAsync();
        if (!granted.isDone()) {
            waiting.add(granted);
            ScheduledFuture<?> timer = ctx.timers().schedule(() -> granted.cancel(false), timeoutMs, TimeUnit.MILLISECONDS);
            granted.whenComplete((l, e) -> {
                waiting.remove(granted);
                timer.cancel(false);
            });
            if (closed) {
                granted.cancel(false);
            }
        }
        granted.whenComplete((lease, ex) -> {
            if (ex != null) {
                out.completeExceptionally(closed ? DispatchFailure.unavailable(modelId, "this instance stopped serving "
                        + "the model while the request waited") : DispatchFailure.queueTimeout(modelId, timeoutMs));
                return;
            }
            record(lease, (System.nanoTime() - t0) / 1_000_000, requestId, out);
        });
        return out;
    }

    private void record(Lease lease, long waitedMs, String requestId, CompletableFuture<RemoteLease> out) {
        long now = ctx.clock().millis();
        LeaseEntry e = new LeaseEntry(newLeaseId(), modelId, lease.epoch(), lease.chainIndex(),
                lease.hops(), now, now + ctx.ttl().toMillis(), requestId);
        ctx.log().write(modelId, e.leaseId(), e, LeaseLog.Change.HELD).whenComplete((v, ex) -> {
            if (ex != null) {
                dispatcher.release(lease);
                out.completeExceptionally(unwrap(ex));
                return;
            }
            synchronized (this) {
                leases.put(e.leaseId(), new Live(e, lease));
                if (requestId != null) {
                    leaseOfRequest.put(requestId, e.leaseId());
                }
            }
            ctx.metrics().granted(modelId);
            out.complete(e.toRemote(ctx.ttl().toMillis(), waitedMs));
        });
    }

    /**
     * Releases a lease: records its release, then frees the slot.
     *
     * @param leaseId the lease
     * @return completes when released; fails with a {@link DispatchFailure}
     */
    CompletableFuture<Void> release(String leaseId) {
        Live live;
        synchronized (this) {
            live = leases.get(leaseId);
            if (live == null) {
                return CompletableFuture.failedFuture(gone(leaseId));
            }
            if (live.closing != null) {
                return live.closing;
            }
            live.closing = new CompletableFuture<>();
        }
        return close(leaseId, live, false);
    }

    /**
     * Renews a lease: records its later expiry, then uses it.
     *
     * @param leaseId the lease
     * @return the renewed lease; fails with a {@link DispatchFailure}
     */
    CompletableFuture<RemoteLease> renew(String leaseId) {
        LeaseEntry next;
        Live live;
        CompletableFuture<Void> written;
        synchronized (this) {
            live = leases.get(leaseId);
            if (live == null || live.closing != null) {
                return CompletableFuture.failedFuture(live == null ? gone(leaseId)
                        : DispatchFailure.unknownLease(modelId, leaseId));
            }
            next = live.entry.expiringAt(ctx.clock().millis() + ctx.ttl().toMillis());
            written = ctx.log().write(modelId, leaseId, next, LeaseLog.Change.HELD);
        }
        Live renewed = live;
        return written.handle((v, ex) -> {
            if (ex != null) {
                throw new CompletionException(unwrap(ex));
            }
            synchronized (this) {
                if (leases.get(leaseId) == renewed && next.expiresAtMillis() > renewed.entry.expiresAtMillis()) {
                    renewed.entry = next;
                }
            }
            ctx.metrics().renewed(modelId);
            return next.toRemote(ctx.ttl().toMillis(), 0);
        });
    }

    /** Expires every lease whose time to live ran out: records its expiry, then frees its slot. */
    void expireDue() {
        long now = ctx.clock().millis();
        Map<String, Live> due = new TreeMap<>();
        synchronized (this) {
            leases.forEach((id, live) -> {
                if (live.closing == null && live.entry.expiresAtMillis() <= now) {
                    live.closing = new CompletableFuture<>();
                    due.put(id, live);
                }
            });
        }
        due.forEach((id, live) -> close(id, live, true));
    }

    /**
     * Records a release or expiry whose {@code live.closing} was just set under the lock, and frees the slot
     * once it is recorded. Called outside the lock, so the lock is never held while the producer takes the record
     * (its acknowledgements take the lock too): the order of a lease's records still holds, because a renewal
     * is sent under the lock and refused once {@code closing} is set.
     */
    private CompletableFuture<Void> close(String leaseId, Live live, boolean expiry) {
        CompletableFuture<Void> done = live.closing;
        ctx.log().write(modelId, leaseId, live.entry, expiry ? LeaseLog.Change.EXPIRED
                : LeaseLog.Change.RELEASED).whenComplete((v, ex) -> {
            if (ex != null) {
                synchronized (this) {
                    live.closing = null;
                }
                done.completeExceptionally(unwrap(ex));
                return;
            }
            synchronized (this) {
                leases.remove(leaseId);
                if (live.entry.requestId() != null) {
                    leaseOfRequest.remove(live.entry.requestId(), leaseId);
                }
                if (expiry) {
                    expired.put(leaseId, Boolean.TRUE);
                }
            }
            if (live.lease != null) {
                dispatcher.release(live.lease);
            }
            if (expiry) {
                ctx.metrics().expired(modelId);
            } else {
                ctx.metrics().released(modelId);
            }
            done.complete(null);
        });
        return done;
    }

    /**
     * A new lease id: a random (version 4) UUID from this thread's own generator. {@link UUID#randomUUID()} draws
     * from one shared, lock-guarded {@code SecureRandom}, on which the HTTP threads queued (monitor waits of 10 ms
     * and more in a flight recording of {@code bench dispatch}).
     */
    static String newLeaseId() {
        byte[] b = new byte[16];
        LEASE_IDS.get().nextBytes(b);
        b[6] = (byte) ((b[6] & 0x0f) | 0x40);
        b[8] = (byte) ((b[8] & 0x3f) | 0x80);
        ByteBuffer bits = ByteBuffer.wrap(b);
        return new UUID(bits.getLong(), bits.getLong()).toString();
    }

    private static SecureRandom leaseIdGenerator() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    private DispatchFailure gone(String leaseId) {
        return expired.containsKey(leaseId) ? DispatchFailure.expired(modelId, leaseId)
                : DispatchFailure.unknownLease(modelId, leaseId);
    }

    private Throwable unwrap(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        return c instanceof DispatchFailure ? c : DispatchFailure.unavailable(modelId, c.toString());
    }

    /** @return live leases (all plans) */
    synchronized int liveLeases() {
        return leases.size();
    }

    /**
     * @return the current plan's chains with their capacity and requests in service, and the queue
     */
    Status status() {
        RoutingPlan p = plan();
        List<Status.ChainStatus> chains = new ArrayList<>();
        for (int k = 0; k < p.chainCount(); k++) {
            chains.add(new Status.ChainStatus(k, p.chains().get(k).capacity(), dispatcher.inService(k)));
        }
        return new Status(modelId, p.epoch(), dispatcher.queueLength(), liveLeases(), chains);
    }

    /**
     * The body of {@code GET /v1/models/{model}}.
     *
     * @param modelId     the model
     * @param planEpoch   epoch of the plan in force
     * @param queueLength requests waiting
     * @param liveLeases  live leases, of every plan
     * @param chains      the current plan's chains
     */
    record Status(String modelId, long planEpoch, int queueLength, int liveLeases, List<ChainStatus> chains) {
        /**
         * @param chain     index
         * @param capacity  c_k
         * @param inService leases of the current plan on it
         */
        record ChainStatus(int chain, int capacity, int inService) {
        }
    }

    /** Stops serving: waiting requests fail, the model's meters are removed; leases stay in the log. */
    void close() {
        closed = true;
        for (CompletableFuture<Lease> f : List.copyOf(waiting)) {
            f.cancel(false);
        }
        ctx.metrics().forget(modelId);
    }
}
