package io.chainplan.optimizer.service;

import io.chainplan.optimizer.replan.Solver;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.FailureMode;
import io.chainplan.schemas.serde.ClusterRefusal;
import io.chainplan.schemas.serde.InputFailureException;
import io.chainplan.schemas.serde.RegistryUnavailableException;
import io.chainplan.schemas.serde.Topics;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optimizer service (issue 7): keeps the latest view of every model it owns and publishes a
 * new {@code ChainPlan} on the plans topic whenever a trigger holds (see
 * {@link io.chainplan.optimizer.replan.ReplanPolicy}), choosing between moving blocks and keeping
 * the placement ({@link io.chainplan.optimizer.replan.Replanner}).
 *
 * <h2>Inputs and ownership</h2>
 * Demand estimates are consumed in the consumer group {@code chainplan.optimizer.group.id}; an
 * instance owns the models whose id hashes (Kafka's default partitioner) to a demand-estimates
 * partition it is assigned, so instances share models by partition and take over each other's on
 * failure. Model specs and server estimates are read by every instance in full (like a global
 * table; server estimates are keyed by server, not model). At start every input topic is restored
 * from its beginning (they are compacted: the latest record per key), so the view is complete
 * after a restart and no trigger that was pending is lost.
 *
 * <h2>Exactly once</h2>
 * Each plan is published in a Kafka transaction together with the consumed demand offsets
 * ({@code sendOffsetsToTransaction} with the consumer's group metadata; a plan's transaction always
 * carries its model's demand partition, even when its offset did not advance) and any pending dead
 * letters. The epoch of a model's next plan is its last committed plan's epoch + 1, recovered from
 * the plans topic with {@code read_committed} before the model is first evaluated after its
 * partition is assigned; the decision to re-plan compares the view with the last committed plan's
 * inputs, so it is the same after a restart and a plan is never published twice for one trigger.
 * A model's plans go to the plans partition its key hashes to (murmur2, as Kafka's default
 * partitioner), set explicitly on the record.
 * <p>Fencing: {@code transactional.id = <group.id>-<instance.id>} and
 * {@code group.instance.id = <instance.id>} (static membership). A restarted instance with the same
 * id fences its crashed predecessor ({@code initTransactions} aborts its open transaction) and takes
 * back its partitions without waiting for a rebalance. An instance that lost its partitions to
 * another (a zombie) can no longer commit: its offset commit carries a stale generation (KIP-447)
 * and its transaction aborts. The instance taking over reads committed offsets with
 * {@code require_stable} (read_committed) and waits until every transaction that was open on the
 * model's plans partition has ended before it recovers epochs, so a late commit of the zombie
 * cannot be missed.
 *
 * <h2>Failover timing</h2>
 * Another instance takes over a crashed instance's partitions after the consumer's
 * {@code session.timeout.ms} (broker default 45 s; static members do not leave on a crash). It then
 * waits for the crashed instance's open transaction, if any: the broker aborts it after
 * {@code chainplan.optimizer.transaction.timeout.ms} (default 10 s), checking every
 * {@code transaction.abort.timed.out.transaction.cleanup.interval.ms} (broker, default 10 s). The
 * wait is bounded by transaction.timeout.ms + 15 s; beyond that the session restarts rather than
 * recover behind a stuck transaction (which could duplicate an epoch). Triggers that arrived
 * meanwhile are not lost: the demand offsets of the crashed instance were not committed, and the
 * views are rebuilt from the compacted topics.
 *
 * <h2>Cost of epoch recovery</h2>
 * The plans topic is the audit log and grows forever, so recovery does not read it from the
 * beginning: {@link PlanRecovery} reads each model's plans partition backwards from its end in
 * doubling chunks until each model's last {@code OK} plan is found (about twice the records since
 * the oldest such plan among the models recovered). A model that never had a plan, or whose
 * plans since its last {@code OK} one are all INFEASIBLE/UNSTABLE, costs a scan back to the
 * beginning of its partition (and of the other partitions, in case partitions were added and keys
 * moved). Measured in {@code chainplan.optimizer.recovery.records.read} and
 * {@code chainplan.optimizer.recovery.time}.
 *
 * <h2>Bad input</h2>
 * Per input topic, {@link FailureMode} {@code dead-letter} (default for all three),
 * {@code log-and-skip} or {@code fail} ({@link OptimizerConfig#MODELS_FAILURE_MODE_DOC} and
 * siblings). Dead letters of the broadcast topics are written by the instance owning the demand
 * partition of the same number (mod the partition count) and only for records read after start-up;
 * a bad record that arrived while no instance ran is logged at debug level and skipped on restore
 * (under {@code fail}, it fails the start if it is still the latest record of its key). With
 * {@code fail} the service stops and {@link #failure()} is an {@link InputFailureException};
 * dead letters pending since the last commit are not written then.
 *
 * <h2>Lifecycle</h2>
 * {@link #start()} runs the loop on a thread; {@link #close()} stops it and leaves the group;
 * {@link #run()} runs it on the caller's thread (the CLI). After an unexpected Kafka error the
 * session is closed and a new one started from the topics (counted in
 * {@code chainplan.optimizer.session.restarts}); if another instance with the same transactional
 * id took over, or a bad record met {@code fail}, the service stops and {@link #failure()} says why.
 * <p>An unavailable schema registry neither stops the service nor turns a record into a dead
 * letter (see {@link OptimizerSession}); one that refuses for good (401, 403, a wrong URL) stops it,
 * with the {@link RegistryUnavailableException} as {@link #failure()}. So does a Kafka cluster that
 * refuses the credentials or access ({@link ClusterRefusal}: a wrong SASL password, missing ACLs):
 * one error line saying what to check, no session restarts.
 */
public final class OptimizerService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OptimizerService.class);

    private final Map<String, Object> kafka;
    private final Topics topics;
    private final OptimizerConfig config;
    private final SchemaRegistry registry;
    private final Solver solver;
    private final InstantSource clock;
    private final OptimizerMetrics metrics;
    private final CrashHook crash;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean killed;
    private volatile OptimizerSession session;
    private volatile Throwable failure;
    private Thread thread;

    /**
     * @param client   Kafka and registry settings (bootstrap servers, security, topic prefix)
     * @param config   the optimizer's settings
     * @param registry the schema registry
     * @param solver   the solver (normally {@link io.chainplan.optimizer.replan.PaperSolver})
     * @param clock    time source for plan creation times, debounce and max age
     * @param metrics  where meters go
     */
    public OptimizerService(ClientConfig client, OptimizerConfig config, SchemaRegistry registry, Solver solver,
                            InstantSource clock, OptimizerMetrics metrics) {
        this(client, config, registry, solver, clock, metrics, CrashHook.NONE);
    }

    /**
     * The service as {@code chainplan optimizer} and {@code chainplan local} run it: settings from
     * the client config's {@code chainplan.optimizer.*} keys, the paper's solver, the system clock.
     * Call {@link #start()} (in-process) or {@link #run()}, and {@link #close()} to stop.
     *
     * @param client   Kafka and registry settings
     * @param registry the schema registry
     * @param meters   where meters go
     * @return the service, not yet started
     */
    public static OptimizerService create(ClientConfig client, SchemaRegistry registry,
                                          io.micrometer.core.instrument.MeterRegistry meters) {
        return new OptimizerService(client, OptimizerConfig.from(client), registry,
                new io.chainplan.optimizer.replan.PaperSolver(Math.max(1, Runtime.getRuntime().availableProcessors())),
                InstantSource.system(), new OptimizerMetrics(meters));
    }

    OptimizerService(ClientConfig client, OptimizerConfig config, SchemaRegistry registry, Solver solver,
                     InstantSource clock, OptimizerMetrics metrics, CrashHook crash) {
        this.kafka = Objects.requireNonNull(client, "client").kafkaProperties();
        this.topics = client.topics();
        this.config = Objects.requireNonNull(config, "config");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.solver = Objects.requireNonNull(solver, "solver");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        metrics.declareInputs(List.of(topics.models(), topics.serverEstimates(), topics.demandEstimates()));
        this.crash = Objects.requireNonNull(crash, "crash");
    }

    /**
     * Starts the loop on a daemon thread named after the instance.
     *
     * @return this
     */
    public synchronized OptimizerService start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = new Thread(this::run, "chainplan-optimizer-" + config.instanceId());
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Runs the loop on this thread until {@link #close()} is called or the instance is fenced. */
    public void run() {
        try {
            while (running) {
                if (!runSession()) {
                    return;
                }
            }
        } finally {
            finished.countDown();
        }
    }

    /** @return false to stop the service */
    private boolean runSession() {
        OptimizerSession s;
        try {
            s = new OptimizerSession(kafka, topics, config, registry, solver, clock, metrics, crash);
        } catch (RuntimeException e) {
            Optional<ClusterRefusal> refused = ClusterRefusal.in(e);
            if (refused.isEmpty()) {
                throw e;
            }
            LOG.error("optimizer {} stopped: {}", config.instanceId(), refused.get().message());
            failure = refused.get().failure();
            return false;
        }
        session = s;
        try {
            s.run(() -> running && !killed);
            end(s);
            return false;
        } catch (InputFailureException e) {
            LOG.error("optimizer {} stopped on a bad input record (failure mode fail): {}", config.instanceId(),
                    e.getMessage());
            failure = e;
            closeQuietly(s);
            return false;
        } catch (RegistryUnavailableException e) {
            if (killed) {
                s.abandon();
                return false;
            }
            if (e.retriable()) {
                LOG.warn("optimizer session stopped, restarting from the topics (nothing skipped): {}", e.getMessage());
                metrics.restarted();
                closeQuietly(s);
                return pause(Duration.ofMillis(500));
            }
            LOG.error("optimizer {} stopped: {}", config.instanceId(), e.getMessage());
            failure = e;
            closeQuietly(s);
            return false;
        } catch (CrashHook.Abandon e) {
            LOG.warn("abandoning instance {}: {}", config.instanceId(), e.getMessage());
            s.abandon();
            return false;
        } catch (WakeupException e) {
            end(s);
            return false;
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            LOG.error("instance {} was fenced by another instance with transactional.id {}; stopping",
                    config.instanceId(), config.transactionalId(), e);
            failure = e;
            s.abandon();
            return false;
        } catch (RuntimeException e) {
            if (killed) {
                s.abandon();
                return false;
            }
            Optional<ClusterRefusal> refused = ClusterRefusal.in(e);
            if (refused.isPresent()) {
                LOG.error("optimizer {} stopped: {}", config.instanceId(), refused.get().message());
                failure = refused.get().failure();
                s.abandon();
                return false;
            }
            LOG.warn("optimizer session failed, restarting from the topics: {}", e.toString(), e);
            metrics.restarted();
            closeQuietly(s);
            return pause(Duration.ofMillis(500));
        }
    }

    private void end(OptimizerSession s) {
        if (killed) {
            s.abandon();
        } else {
            s.close();
        }
    }

    /**
     * Visible for testing: stops the instance as if its process died (no abort, no commit, no
     * leave-group; the producer's open transaction, if any, stays open until the broker times it
     * out). Returns at once; see {@link #awaitTermination}.
     */
    void kill() {
        LOG.warn("killing instance {} (no abort, no commit, no leave-group)", config.instanceId());
        killed = true;
        OptimizerSession s = session;
        if (s != null) {
            s.wakeup();
        }
    }

    private static void closeQuietly(OptimizerSession s) {
        try {
            s.close();
        } catch (RuntimeException e) {
            LOG.debug("closing failed session: {}", e.toString());
        }
    }

    private boolean pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return running;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * @param timeout longest wait
     * @return whether the loop has ended within the timeout
     * @throws InterruptedException if interrupted
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @return why the service stopped on its own, or null */
    public Throwable failure() {
        return failure;
    }

    /** @return the meters of this service */
    public OptimizerMetrics metrics() {
        return metrics;
    }

    /** Stops the loop, commits nothing further, leaves the group and closes the clients. */
    @Override
    public void close() {
        running = false;
        OptimizerSession s = session;
        if (s != null) {
            s.wakeup();
        }
        try {
            if (!finished.await(30, TimeUnit.SECONDS)) {
                LOG.warn("optimizer {} did not stop within 30 s", config.instanceId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
