package io.chainplan.router.service;

import io.chainplan.router.PlanSubscriber;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.ClusterRefusal;
import io.chainplan.schemas.serde.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatch service (issue 14, DESIGN.md §2.5): many frontends, in any language, share one central
 * JFFC queue per model and never overbook a chain. Frontends acquire, renew and release leases over
 * HTTP/JSON ({@link HttpApi}, {@code openapi.yaml}); the service follows {@code chainplan.plans} with a
 * {@link PlanSubscriber} (latest plan, last good plan kept; new requests use a new plan at once, leases
 * release to their plan, DESIGN.md §2.4) and records every lease on the compacted
 * {@code chainplan.leases} topic before it answers.
 *
 * <h2>High availability</h2>
 * Several instances share models by consumer-group membership on {@code chainplan.leases} (one owner
 * per partition, the optimizer's scheme); an instance that does not serve a model answers
 * {@code 421 not-owner} and the client tries the next one. When an owner dies, another instance is
 * assigned its partitions after {@code session.timeout.ms}, fences them with a record in each, rebuilds the
 * leases from the topic through its fence and only then serves: no chain ever holds more than its
 * capacity, and leases granted by the dead owner are released on the new one. Fencing: {@link LeaseSession}.
 * A lease not renewed within {@code chainplan.dispatch.lease.ttl.ms} expires, on whichever instance
 * owns its model then, and its slot returns.
 *
 * <h2>Embedded alternative</h2>
 * A single process per model may embed {@link io.chainplan.router.dispatch.Dispatcher} and
 * {@link PlanSubscriber} instead (no HTTP, no lease topic); several such processes must not share a
 * model, for each would apply every chain's full capacity.
 *
 * <h2>Lifecycle</h2>
 * {@link #start()} serves HTTP at once and joins the group on a thread; {@link #close()} leaves the
 * group (another instance takes over at once) and stops. After a fatal Kafka error the session is
 * closed and a new one joins (counted in {@code chainplan.dispatch.session.restarts}). A cluster that
 * refuses the credentials or access ({@link ClusterRefusal}: a wrong SASL password, a missing ACL), to
 * the session, the plan subscriber or the model-spec reader, is not retried: the service logs one
 * line saying what to check and stops (see {@link #awaitTermination}); {@link #failure()} returns it.
 */
public final class DispatchService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DispatchService.class);

    private final Map<String, Object> kafka;
    private final Topics topics;
    private final DispatchConfig config;
    private final SchemaRegistry registry;
    private final DispatchMetrics metrics;
    private final ScheduledExecutorService timers;
    private final KnownModels known;
    private final PlanSubscriber plans;
    private final OwnedModels models;
    private final HttpApi http;
    private final LeaseSession.PollHook hook;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final SessionLog log = new SessionLog();
    private volatile boolean running = true;
    private volatile boolean killed;
    private volatile LeaseSession session;
    private final AtomicReference<IllegalStateException> failure = new AtomicReference<>();
    private Thread thread;

    /**
     * @param client   Kafka and registry settings (bootstrap servers, security, topic prefix)
     * @param config   the service's settings
     * @param registry the schema registry
     * @param meters   where meters go
     * @param clock    time source of lease grants and expiry
     */
    public DispatchService(ClientConfig client, DispatchConfig config, SchemaRegistry registry, MeterRegistry meters,
                           InstantSource clock) {
        this(client, config, registry, meters, clock, () -> { });
    }

    DispatchService(ClientConfig client, DispatchConfig config, SchemaRegistry registry, MeterRegistry meters,
                    InstantSource clock, LeaseSession.PollHook hook) {
        this.kafka = Objects.requireNonNull(client, "client").kafkaProperties();
        this.topics = client.topics();
        this.config = Objects.requireNonNull(config, "config");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.metrics = new DispatchMetrics(Objects.requireNonNull(meters, "meters"));
        this.hook = hook;
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chainplan-dispatch-timers-" + config.instanceId());
            t.setDaemon(true);
            return t;
        });
        this.known = new KnownModels(kafka, topics, config.clientIdPrefix(), this::refused);
        Map<String, Object> planProps = new HashMap<>(kafka);
        planProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        planProps.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, config.clientIdPrefix() + "-plans");
        ModelDispatch.Context ctx = new ModelDispatch.Context(config.dispatchPolicy(), log, clock, config.leaseTtl(),
                timers, metrics, meters);
        OwnedModels[] self = new OwnedModels[1];
        PlanSubscriber.Listener onPlans = new PlanSubscriber.Listener() {
            @Override
            public void onPlan(RoutingPlan plan) {
                self[0].onPlan(plan);
            }

            @Override
            public void onStopped(IllegalStateException refusal) {
                refused(refusal);
            }
        };
        this.plans = PlanSubscriber.builder(planProps, registry, onPlans).topics(topics)
                .lookback(config.planLookback()).meterRegistry(meters).build();
        this.models = new OwnedModels(config.instanceId(), ctx, plans::latest, known::contains,
                () -> plans.caughtUp() && known.caughtUp());
        self[0] = models;
        this.http = new HttpApi(config.httpHost(), config.httpPort(), models, config.maxWait().toMillis(), metrics);
    }

    /**
     * The service as {@code chainplan dispatch} runs it: settings from the client config's
     * {@code chainplan.dispatch.*} keys, the system clock.
     *
     * @param client   Kafka and registry settings
     * @param registry the schema registry
     * @param meters   where meters go
     * @return the service, not yet started
     */
    public static DispatchService create(ClientConfig client, SchemaRegistry registry, MeterRegistry meters) {
        return new DispatchService(client, DispatchConfig.from(client), registry, meters, InstantSource.system());
    }

    /**
     * Serves HTTP, follows plans and model specs, and joins the group on a daemon thread.
     *
     * @return this
     */
    public synchronized DispatchService start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        http.start();
        known.start();
        plans.start();
        long every = config.expiryCheckInterval().toMillis();
        timers.scheduleWithFixedDelay(this::expireQuietly, every, every, TimeUnit.MILLISECONDS);
        thread = new Thread(this::runSessions, "chainplan-dispatch-" + config.instanceId());
        thread.setDaemon(true);
        thread.start();
        LOG.info("dispatch service {} serving http://{}:{}/v1", config.instanceId(), config.httpHost(), http.port());
        return this;
    }

    private void expireQuietly() {
        try {
            models.expireDue();
        } catch (RuntimeException e) {
            LOG.warn("expiring leases failed: {}", e.toString(), e);
        }
    }

    private void runSessions() {
        try {
            while (running && !killed) {
                LeaseSession s = new LeaseSession(kafka, topics, config, registry, models, metrics, hook);
                session = s;
                log.session = s;
                try {
                    s.run(() -> running && !killed);
                } catch (WakeupException e) {
                    // stopping
                } catch (RuntimeException e) {
                    Optional<ClusterRefusal> refusal = ClusterRefusal.in(e);
                    if (refusal.isPresent()) {
                        refused(refusal.get().failure());
                    } else if (!killed) {
                        LOG.warn("dispatch session of {} failed, starting a new one: {}", config.instanceId(), e.toString(), e);
                        metrics.restarted();
                    }
                }
                models.stop();
                if (killed) {
                    s.abandonClients();
                    return;
                }
                s.close();
                if (running) {
                    pause();
                }
            }
        } finally {
            finished.countDown();
        }
    }

    /** Stops the service for good: the cluster refused the credentials or access (logged once). */
    private void refused(IllegalStateException refusal) {
        if (failure.compareAndSet(null, refusal)) {
            LOG.error("dispatch service {} stopped: {}", config.instanceId(), refusal.getMessage());
        }
        running = false;
        LeaseSession s = session;
        if (s != null) {
            s.wakeup();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The lease log of the current session. */
    private static final class SessionLog implements LeaseLog {
        private volatile LeaseSession session;

        @Override
        public CompletableFuture<Void> write(String modelId, String leaseId, LeaseEntry lease, Change change) {
            LeaseSession s = session;
            return s == null ? CompletableFuture.failedFuture(
                    DispatchFailure.unavailable(modelId, "no session")) : s.log().write(modelId, leaseId, lease, change);
        }
    }

    /** @return the bound HTTP port */
    public int port() {
        return http.port();
    }

    /** @return the base URL of the HTTP API on this host */
    public URI uri() {
        return URI.create("http://localhost:" + port());
    }

    /** @return this instance's meters */
    public DispatchMetrics metrics() {
        return metrics;
    }

    /**
     * Visible for testing: the state of a model this instance serves ({@code GET /v1/models/{model}}).
     *
     * @param modelId the model
     * @return its plan, queue and chains
     * @throws DispatchFailure if it is not served here
     */
    ModelDispatch.Status status(String modelId) {
        return models.lookup(modelId).status();
    }

    /** @return this instance's settings */
    public DispatchConfig config() {
        return config;
    }

    /**
     * Visible for testing: stops the instance as if its process died (kill -9): the HTTP API closes its
     * connections, the Kafka clients are dropped without abort, commit or leave-group (another instance
     * takes the models over after {@code session.timeout.ms}). Returns at once.
     */
    void kill() {
        LOG.warn("killing dispatch instance {} (no abort, no commit, no leave-group)", config.instanceId());
        killed = true;
        http.close();
        LeaseSession s = session;
        if (s != null) {
            s.abandon();
        }
        plans.close();
        known.close();
        timers.shutdownNow();
    }

    /**
     * @param timeout longest wait
     * @return whether the service has stopped within the timeout
     * @throws InterruptedException if interrupted
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * @return why the service stopped on its own (the cluster refused the credentials or access), if it did
     */
    public Optional<IllegalStateException> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** Stops serving, leaves the group (another instance takes over at once) and closes the clients. */
    @Override
    public void close() {
        if (killed) {
            return;
        }
        running = false;
        LeaseSession s = session;
        if (s != null) {
            s.wakeup();
        }
        try {
            if (thread != null && !finished.await(30, TimeUnit.SECONDS)) {
                LOG.warn("dispatch service {} did not stop within 30 s", config.instanceId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.close();
        plans.close();
        known.close();
        timers.shutdownNow();
    }
}
