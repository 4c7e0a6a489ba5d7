package io.chainplan.local.loop;

import io.chainplan.local.LocalStack;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.router.client.DispatchClient;
import io.chainplan.router.client.DispatchException;
import io.chainplan.router.client.ErrorBody;
import io.chainplan.router.client.RemoteLease;
import io.chainplan.router.dispatch.Dispatcher;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.router.service.DispatchConfig;
import io.chainplan.router.service.DispatchService;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's router through the dispatch service: an in-process {@link DispatchService} on the local
 * stack (its leases on {@code chainplan.leases}) and a {@link DispatchClient} over HTTP, as a frontend
 * of any fleet would use it. Acquires run on a fixed pool of client threads in arrival order (releases
 * on their own threads, so that they never wait behind acquires that wait for their slots); one waits
 * in the service's central queue, retrying while the model has no plan yet (as the embedded
 * dispatcher queues requests until the first plan). {@link #currentPlan()} is a local mirror fed by
 * the plan subscriber, for bookkeeping only (the epoch a request arrived under, the servers' memory
 * use); dispatch decisions are the service's.
 * <p>Time: the HTTP and Kafka round trip of every acquire takes wall time, which the virtual clock
 * would multiply by the speedup (15-20 ms of wall time are 0.15-0.2 s simulated at x10). Each lease
 * carries that overhead (the call's wall time less the wait the service reports in its central queue),
 * and {@link FleetSimulation} starts the request that much earlier: the service decides which chain and
 * when a queued request gets it, the simulated response time does not pay for the router's own latency.
 * A release's round trip still delays the slot it frees by its wall time times the speedup, which
 * lengthens queue waits when every chain is full. On a busy machine that round trip can take hundreds of
 * milliseconds, seconds of simulated time that would hold slots the fleet has freed and grow a queue no
 * real fleet would see; so while a release has been pending for more than {@link #LAG} the router reports
 * itself {@linkplain #lagging() lagging} and the loop holds the virtual clock back to wall speed, as it does
 * for the services before the first plan: the dispatch service's delay then costs the simulated fleet as many
 * seconds as it costs on the wall.
 */
final class ServiceRouter implements FleetRouter {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceRouter.class);
    private static final int CLIENT_THREADS = 64;
    private static final int RELEASE_THREADS = 8;
    private static final Duration WAIT = Duration.ofSeconds(50);
    private static final Duration RETRY = Duration.ofMillis(50);
    /** A release pending longer than this (wall time) holds the virtual clock back: a quiet machine's p99 is ~60 ms. */
    static final Duration LAG = Duration.ofMillis(150);
    private static final Set<String> RETRY_ON = Set.of(ErrorBody.NO_PLAN, ErrorBody.QUEUE_TIMEOUT,
            ErrorBody.NOT_READY, ErrorBody.UNAVAILABLE, DispatchException.UNREACHABLE);

    private final DispatchService service;
    private final DispatchClient client;
    private final Dispatcher mirror;
    /** Acquires, which may wait long in the service's queue. */
    private final ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS, daemon("acquire"));
    /** Releases, apart: they free the slots the waiting acquires need. */
    private final ExecutorService releases = Executors.newFixedThreadPool(RELEASE_THREADS, daemon("release"));
    private final AtomicInteger waiting = new AtomicInteger();
    /** Releases submitted and not yet answered, with the wall time (nanos) each was submitted at. */
    private final Map<Object, Long> pendingReleases = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private ServiceRouter(DispatchService service, Dispatcher mirror) {
        this.service = service;
        this.mirror = mirror;
        this.client = DispatchClient.builder(List.of(service.uri())).retryFor(Duration.ofMinutes(2)).build();
    }

    /**
     * Starts the dispatch service on the stack.
     *
     * @param stack  the local stack
     * @param mirror a dispatcher fed with the plans, used only as {@link #currentPlan()}
     * @param meters where the service's meters go
     * @return the router
     */
    static ServiceRouter start(LocalStack stack, Dispatcher mirror, MeterRegistry meters) {
        DispatchConfig config = DispatchConfig.from(Map.of(DispatchConfig.INSTANCE_ID_CONFIG, "local-dispatch",
                DispatchConfig.GROUP_ID_CONFIG, "chainplan-dispatch-local", DispatchConfig.HTTP_HOST_CONFIG, "127.0.0.1",
                DispatchConfig.HTTP_PORT_CONFIG, "0", DispatchConfig.METRICS_PORT_CONFIG, "-1"));
        DispatchService s = new DispatchService(stack.clientConfig(), config, stack.schemaRegistryClient(), meters,
                InstantSource.system()).start();
        return new ServiceRouter(s, mirror);
    }

    private static java.util.concurrent.ThreadFactory daemon(String what) {
        return r -> {
            Thread t = new Thread(r, "chainplan-local-dispatch-" + what);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public Optional<RoutingPlan> currentPlan() {
        return mirror.currentPlan();
    }

    @Override
    public CompletableFuture<Lease> acquire() {
        waiting.incrementAndGet();
        return CompletableFuture.supplyAsync(() -> {
            try {
                Timed t = acquireRetrying();
                RemoteLease l = t.lease();
                double overhead = Math.max(0, t.wallSeconds() - l.waitedMs() / 1000.0);
                return new Lease(l.planEpoch(), l.chain(), l.hops().stream()
                        .map(h -> new Hop(h.serverId(), h.startBlock(), h.endBlock())).toList(),
                        () -> submitRelease(l), overhead);
            } finally {
                waiting.decrementAndGet();
            }
        }, pool);
    }

    /** A granted lease and the wall time of the call that got it (retries before it are real waits). */
    private record Timed(RemoteLease lease, double wallSeconds) {
    }

    private Timed acquireRetrying() {
        while (true) {
            long t0 = System.nanoTime();
            try {
                RemoteLease l = client.acquire(mirror.modelId(), WAIT);
                return new Timed(l, (System.nanoTime() - t0) / 1e9);
            } catch (DispatchException e) {
                if (closed || !RETRY_ON.contains(e.error())) {
                    throw e;
                }
                pause();
            }
        }
    }

    private void submitRelease(RemoteLease l) {
        Object token = new Object();
        pendingReleases.put(token, System.nanoTime());
        releases.execute(() -> {
            try {
                client.release(l);
            } catch (DispatchException e) {
                if (!closed) {
                    LOG.warn("release of lease {} failed: {}", l.leaseId(), e.getMessage());
                }
            } finally {
                pendingReleases.remove(token);
            }
        });
    }

    @Override
    public boolean lagging() {
        long now = System.nanoTime();
        for (long since : pendingReleases.values()) {
            if (now - since > LAG.toNanos()) {
                return true;
            }
        }
        return false;
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DispatchException(0, DispatchException.UNREACHABLE, "interrupted", e);
        }
    }

    @Override
    public int queueLength() {
        return waiting.get();
    }

    /** @return the service's meters (leases granted, released, ...) */
    io.chainplan.router.service.DispatchMetrics metrics() {
        return service.metrics();
    }

    @Override
    public void close() {
        closed = true;
        pool.shutdownNow();
        releases.shutdown();
        try {
            releases.awaitTermination(10, TimeUnit.SECONDS);
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        service.close();
    }
}
