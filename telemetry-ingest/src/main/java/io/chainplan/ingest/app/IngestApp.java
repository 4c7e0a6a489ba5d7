package io.chainplan.ingest.app;

import io.chainplan.ingest.topology.BadRecordFailure;
import io.chainplan.ingest.topology.DeadLetterExceptionHandlers;
import io.chainplan.ingest.topology.IngestSettings;
import io.chainplan.ingest.topology.IngestTopology;
import io.chainplan.metrics.PrometheusEndpoint;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.ClusterRefusal;
import io.chainplan.schemas.serde.RegistryUnavailableException;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running telemetry-ingest application: builds the {@link IngestTopology}, starts
 * {@link KafkaStreams} (exactly-once v2 unless configured otherwise), binds metrics to a
 * Prometheus registry and serves them on the configured port. In-process use (e.g. by
 * {@code chainplan local}): {@code try (IngestApp app = IngestApp.start(config, registry)) { ... }}.
 * <p>Failures: bad records never stop it (they are dead-lettered, unless the failure mode is
 * {@code fail}); an unexpected exception in a stream thread replaces the thread; a
 * {@link BadRecordFailure} shuts the client down. A schema registry that is unavailable
 * ({@link RegistryUnavailableException}) stops the task that needed it, never skips the record:
 * a transient outage replaces the stream thread (which resumes from the last committed offsets and
 * reads the record again; the global model store waits instead, see
 * {@link io.chainplan.ingest.topology.DecodingSerde}), a refusal that retrying cannot cure (401,
 * 403, a wrong URL) shuts the client down with one line naming it, and so does a Kafka cluster that
 * refuses the credentials or access ({@link ClusterRefusal}); {@link #failure()} says why. Bad model specs, read by the global thread, are
 * dead-lettered through a producer of the app's own ({@link KafkaDeadLetterSink}): at least once
 * and outside the exactly-once transactions (see {@link IngestTopology#build(io.chainplan.schemas.serde.Topics,
 * SchemaRegistry, IngestSettings, io.chainplan.ingest.topology.IngestMetrics, io.chainplan.ingest.topology.DeadLetterSink)}).
 */
public final class IngestApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestApp.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final PrometheusMeterRegistry meterRegistry;
    private final MicrometerIngestMetrics metrics;
    private final KafkaStreamsMetrics streamsMetrics;
    private final PrometheusEndpoint metricsServer;
    private final KafkaDeadLetterSink modelDeadLetters;
    private final CountDownLatch stopped;
    private final AtomicBoolean running;
    private final AtomicReference<RuntimeException> failure;

    private IngestApp(KafkaStreams streams, PrometheusMeterRegistry meterRegistry, MicrometerIngestMetrics metrics,
                      KafkaStreamsMetrics streamsMetrics, PrometheusEndpoint metricsServer, KafkaDeadLetterSink modelDeadLetters,
                      CountDownLatch stopped, AtomicBoolean running, AtomicReference<RuntimeException> failure) {
        this.streams = streams;
        this.failure = failure;
        this.running = running;
        this.modelDeadLetters = modelDeadLetters;
        this.meterRegistry = meterRegistry;
        this.metrics = metrics;
        this.streamsMetrics = streamsMetrics;
        this.metricsServer = metricsServer;
        this.stopped = stopped;
    }

    /**
     * Starts with the schema registry named in the config ({@code schema.registry.url}).
     *
     * @param config the configuration
     * @return the started application (check {@link #awaitRunning})
     */
    public static IngestApp start(IngestConfig config) {
        return start(config, config.client().schemaRegistry());
    }

    /**
     * Starts with a given schema registry client.
     *
     * @param config   the configuration
     * @param registry schema registry for the Avro topics
     * @return the started application (check {@link #awaitRunning})
     * @throws IllegalArgumentException if a setting is invalid
     * @throws IllegalStateException    if the Kafka cluster refuses the credentials or access while the
     *                                  global model store starts ({@link ClusterRefusal#message()})
     */
    public static IngestApp start(IngestConfig config, SchemaRegistry registry) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(registry, "registry");
        IngestSettings settings = config.settings();
        int port = config.metricsPort();
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MicrometerIngestMetrics metrics = new MicrometerIngestMetrics(meters, InstantSource.system());
        metrics.declareInputs(inputTopics(config));
        Properties props = config.streamsProperties();
        KafkaDeadLetterSink modelDeadLetters = KafkaDeadLetterSink.create(props, metrics);
        AtomicBoolean running = new AtomicBoolean(true);
        KafkaStreams streams;
        try {
            Topology topology = IngestTopology.build(config.topics(), registry, settings, metrics, modelDeadLetters,
                    running::get);
            props.put(DeadLetterExceptionHandlers.METRICS_CONFIG, metrics);
            streams = new KafkaStreams(topology, props);
        } catch (RuntimeException e) {
            modelDeadLetters.close();
            throw e;
        }
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        streams.setUncaughtExceptionHandler(e -> onUncaught(e, failure));
        CountDownLatch stopped = stoppedLatch(streams);
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(meters);
        PrometheusEndpoint server = null;
        try {
            server = PrometheusEndpoint.start(meters, port, IngestConfig.METRICS_PORT_CONFIG).orElse(null);
            streams.start();
        } catch (RuntimeException e) {
            if (server != null) {
                server.close();
            }
            streams.close(CLOSE_TIMEOUT);
            modelDeadLetters.close();
            Optional<ClusterRefusal> refused = ClusterRefusal.in(e);
            if (refused.isPresent()) {
                LOG.error("stopping: {}", refused.get().message());
                throw refused.get().failure();
            }
            throw e;
        }
        LOG.info("telemetry-ingest started: application.id {}, processing.guarantee {}, metrics {}",
                props.get("application.id"), props.get("processing.guarantee"),
                server == null ? "off" : "http://localhost:" + server.port() + "/metrics");
        return new IngestApp(streams, meters, metrics, streamsMetrics, server, modelDeadLetters, stopped, running, failure);
    }

    /**
     * @param config the configuration
     * @return the topics the ingest reads: requests, telemetry, models and, if configured, GPU metrics
     */
    public static List<String> inputTopics(IngestConfig config) {
        List<String> topics = new ArrayList<>(List.of(config.topics().requests(), config.topics().telemetry(),
                config.topics().models()));
        if (config.settings().readsGpuMetrics()) {
            topics.add(config.settings().gpuMetricsTopic());
        }
        return topics;
    }

    /** @return a latch released when {@code streams} starts shutting down or fails */
    private static CountDownLatch stoppedLatch(KafkaStreams streams) {
        CountDownLatch stopped = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING
                    || now == KafkaStreams.State.PENDING_SHUTDOWN || now == KafkaStreams.State.PENDING_ERROR) {
                stopped.countDown();
            }
        });
        return stopped;
    }

    /** @param failure where a failure that shuts the client down is kept (the first one) */
    private static StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse onUncaught(
            Throwable e, AtomicReference<RuntimeException> failure) {
        RegistryUnavailableException registry = RegistryUnavailableException.in(e).orElse(null);
        if (registry != null && registry.retriable()) {
            LOG.warn("stream thread stopped, nothing skipped: {}; replacing it, it reads the record again", registry.getMessage());
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        if (registry != null) {
            LOG.error("stopping: {}", registry.getMessage());
            failure.compareAndSet(null, registry);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        Optional<ClusterRefusal> refused = ClusterRefusal.in(e);
        if (refused.isPresent()) {
            LOG.error("stopping: {}", refused.get().message());
            failure.compareAndSet(null, refused.get().failure());
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BadRecordFailure) {
                LOG.error("stopping: a bad record in failure mode 'fail'", e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
        }
        LOG.error("stream thread failed; replacing it", e);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /**
     * @param timeout how long to wait
     * @return whether the application reached RUNNING within the timeout
     * @throws InterruptedException if interrupted
     */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaStreams.State s = streams.state();
            if (s == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (!s.isRunningOrRebalancing() && s != KafkaStreams.State.CREATED) {
                return false;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /**
     * Blocks until the application stops (closed, or failed for good).
     *
     * @throws InterruptedException if interrupted
     */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /**
     * @return why the application stopped on its own for good, if a schema registry or the Kafka
     *         cluster refused it (a bad record under failure mode {@code fail} is logged, not kept here)
     */
    public Optional<RuntimeException> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** @return the Kafka Streams state */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** @return the ingest counters */
    public MicrometerIngestMetrics metrics() {
        return metrics;
    }

    /** @return all meters, in Prometheus form */
    public PrometheusMeterRegistry meterRegistry() {
        return meterRegistry;
    }

    /** @return the port of the scrape endpoint, if it is on */
    public OptionalInt metricsPort() {
        return metricsServer == null ? OptionalInt.empty() : OptionalInt.of(metricsServer.port());
    }

    /**
     * Stops Kafka Streams (first releasing a global thread that waits for the schema registry;
     * committing what was processed; the consumer leaves its group so that a
     * restarted instance takes over at once instead of after the session timeout), then the
     * producer of the model store's dead letters (after the global thread, so that none is sent to
     * a closed producer; it waits for the sends in flight), and the metrics endpoint.
     */
    @Override
    public void close() {
        running.set(false);
        streams.close(CloseOptions.timeout(CLOSE_TIMEOUT)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        modelDeadLetters.close();
        streamsMetrics.close();
        if (metricsServer != null) {
            metricsServer.close();
        }
        meterRegistry.close();
    }
}
