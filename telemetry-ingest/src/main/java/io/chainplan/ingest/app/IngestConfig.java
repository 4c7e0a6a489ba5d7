package io.chainplan.ingest.app;

import io.chainplan.ingest.estimate.DemandEstimatorSettings;
import io.chainplan.ingest.estimate.EmissionRule;
import io.chainplan.ingest.topology.DeadLetterExceptionHandlers;
import io.chainplan.ingest.topology.IngestSettings;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.serde.FailureMode;
import io.chainplan.schemas.serde.Topics;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Configuration of the telemetry-ingest application: a {@link ClientConfig} (Kafka connection,
 * schema registry, topic prefix; standard Kafka Streams keys such as {@code application.id},
 * {@code processing.guarantee}, {@code num.stream.threads}, {@code state.dir} pass through)
 * plus the {@code chainplan.ingest.*} keys below, each with a {@code _CONFIG}/{@code _DOC} pair
 * as in Kafka's {@code StreamsConfig}. A bad value fails with an {@link IllegalArgumentException}
 * naming the key and the value. Immutable.
 */
public final class IngestConfig {
    /** Prefix of the ingest keys. */
    public static final String PREFIX = "chainplan.ingest.";

    /** Default {@code application.id} (also the consumer group and internal-topic prefix). */
    public static final String DEFAULT_APPLICATION_ID = "chainplan-ingest";

    /** Estimation window. */
    public static final String DEMAND_WINDOW_MS_CONFIG = PREFIX + "demand.window.ms";
    /** Doc of {@link #DEMAND_WINDOW_MS_CONFIG}. */
    public static final String DEMAND_WINDOW_MS_DOC = "Arrival-rate window W in ms (default 60000); a sustained shift shows within about one window.";
    /** Step of the estimate. */
    public static final String DEMAND_STEP_MS_CONFIG = PREFIX + "demand.step.ms";
    /** Doc of {@link #DEMAND_STEP_MS_CONFIG}. */
    public static final String DEMAND_STEP_MS_DOC = "The demand estimate advances every this many ms of event time (default 5000; must divide the window).";
    /** Horizon in windows. */
    public static final String DEMAND_HORIZON_WINDOWS_CONFIG = PREFIX + "demand.horizon.windows";
    /** Doc of {@link #DEMAND_HORIZON_WINDOWS_CONFIG}. */
    public static final String DEMAND_HORIZON_WINDOWS_DOC = "Under a constant rate the estimate uses at most this many windows of data (default 3).";
    /** Grace for late events. */
    public static final String DEMAND_GRACE_MS_CONFIG = PREFIX + "demand.grace.ms";
    /** Doc of {@link #DEMAND_GRACE_MS_CONFIG}. */
    public static final String DEMAND_GRACE_MS_DOC = "A time bucket closes this many ms of event time after its end (default 2000); later events still count from the next step.";
    /** Relative change that triggers a publication. */
    public static final String EMIT_RELATIVE_CHANGE_CONFIG = PREFIX + "emit.relative.change";
    /** Doc of {@link #EMIT_RELATIVE_CHANGE_CONFIG}. */
    public static final String EMIT_RELATIVE_CHANGE_DOC = "Publish an estimate when a value moved by more than this fraction since the last one (default 0.05).";
    /** Heartbeat. */
    public static final String EMIT_HEARTBEAT_MS_CONFIG = PREFIX + "emit.heartbeat.ms";
    /** Doc of {@link #EMIT_HEARTBEAT_MS_CONFIG}. */
    public static final String EMIT_HEARTBEAT_MS_DOC = "Publish estimates at least this often, in ms of event time (default 60000).";
    /** Timing window. */
    public static final String TIMING_WINDOW_SAMPLES_CONFIG = PREFIX + "timing.window.samples";
    /** Doc of {@link #TIMING_WINDOW_SAMPLES_CONFIG}. */
    public static final String TIMING_WINDOW_SAMPLES_DOC = "Effective number of hop samples in the robust tau_p/tau_c mean (default 50).";
    /** Samples needed to trust measured timings. */
    public static final String TIMING_MIN_SAMPLES_CONFIG = PREFIX + "timing.min.samples";
    /** Doc of {@link #TIMING_MIN_SAMPLES_CONFIG}. */
    public static final String TIMING_MIN_SAMPLES_DOC = "Measured timings replace the declared ones from this many samples on (default 10).";
    /** Memory reserve. */
    public static final String MEMORY_RESERVE_BYTES_CONFIG = PREFIX + "memory.reserve.bytes";
    /** Doc of {@link #MEMORY_RESERVE_BYTES_CONFIG}. */
    public static final String MEMORY_RESERVE_BYTES_DOC = "Bytes kept back from each server's total GPU memory: M_j = total - reserve (default 1073741824).";
    /** Liveness timeout. */
    public static final String DOWN_AFTER_MS_CONFIG = PREFIX + "liveness.down.after.ms";
    /** Doc of {@link #DOWN_AFTER_MS_CONFIG}. */
    public static final String DOWN_AFTER_MS_DOC = "A server without telemetry for this many ms (wall clock against event time) is DOWN (default 30000).";
    /** Liveness check period. */
    public static final String LIVENESS_CHECK_MS_CONFIG = PREFIX + "liveness.check.interval.ms";
    /** Doc of {@link #LIVENESS_CHECK_MS_CONFIG}. */
    public static final String LIVENESS_CHECK_MS_DOC = "How often liveness is checked, wall-clock ms (default 5000).";
    /** Future skew. */
    public static final String MAX_FUTURE_SKEW_MS_CONFIG = PREFIX + "max.future.skew.ms";
    /** Doc of {@link #MAX_FUTURE_SKEW_MS_CONFIG}. */
    public static final String MAX_FUTURE_SKEW_MS_DOC = "Records whose event time is more than this many ms ahead of the wall clock are dead-lettered (default 300000).";
    /** GPU metrics topic. */
    public static final String GPU_METRICS_TOPIC_CONFIG = PREFIX + "gpu.metrics.topic";
    /** Doc of {@link #GPU_METRICS_TOPIC_CONFIG}. */
    public static final String GPU_METRICS_TOPIC_DOC = "Topic with Prometheus-to-Kafka adapter JSON (DCGM_FI_DEV_FB_* in MiB); empty (default) for none.";
    /** Server id labels. */
    public static final String GPU_METRICS_SERVER_LABELS_CONFIG = PREFIX + "gpu.metrics.server.labels";
    /** Doc of {@link #GPU_METRICS_SERVER_LABELS_CONFIG}. */
    public static final String GPU_METRICS_SERVER_LABELS_DOC = "Comma-separated labels whose values, joined by '/', are the server id (default Hostname,gpu).";
    /** Bad-record handling. */
    public static final String FAILURE_MODE_CONFIG = PREFIX + "failure.handling.mode";
    /** Doc of {@link #FAILURE_MODE_CONFIG}. */
    public static final String FAILURE_MODE_DOC = "fail | log-and-skip | dead-letter (default): what to do with a record that fails to deserialize or validate.";
    /** Metrics port. */
    public static final String METRICS_PORT_CONFIG = PREFIX + "metrics.port";
    /** Doc of {@link #METRICS_PORT_CONFIG}. */
    public static final String METRICS_PORT_DOC = "Port of the Prometheus scrape endpoint /metrics (default 9464; 0 picks a free port; -1 disables it).";
    /** Default of {@link #METRICS_PORT_CONFIG}. */
    public static final int METRICS_PORT_DEFAULT = 9464;

    private final ClientConfig client;

    private IngestConfig(ClientConfig client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * @param client connection settings and ingest keys
     * @return the config (values are checked by {@link #settings()} and {@link #metricsPort()})
     */
    public static IngestConfig of(ClientConfig client) {
        return new IngestConfig(client);
    }

    /** @return the underlying client config */
    public ClientConfig client() {
        return client;
    }

    /** @return topic names */
    public Topics topics() {
        return client.topics();
    }

    /**
     * @return the topology settings from the {@code chainplan.ingest.*} keys
     * @throws IllegalArgumentException naming the key of a bad value
     */
    public IngestSettings settings() {
        IngestSettings d = IngestSettings.defaults();
        DemandEstimatorSettings dd = d.demand();
        long window = longValue(DEMAND_WINDOW_MS_CONFIG, dd.windowMillis());
        long step = longValue(DEMAND_STEP_MS_CONFIG, dd.stepMillis());
        int horizon = (int) longValue(DEMAND_HORIZON_WINDOWS_CONFIG, dd.horizonWindows());
        EmissionRule rule = new EmissionRule(doubleValue(EMIT_RELATIVE_CHANGE_CONFIG, d.demandEmission().relativeChange()),
                longValue(EMIT_HEARTBEAT_MS_CONFIG, d.demandEmission().heartbeatMillis()));
        try {
            DemandEstimatorSettings demand = new DemandEstimatorSettings(window, step, horizon, dd.confidence(),
                    dd.burstBuckets(), dd.shiftRatio(), dd.cusumThreshold(), dd.clipQuantile());
            return new IngestSettings(demand, longValue(DEMAND_GRACE_MS_CONFIG, d.graceMillis()), rule, rule,
                    (int) longValue(TIMING_WINDOW_SAMPLES_CONFIG, d.timingWindowSamples()), d.timingClipSigmas(),
                    longValue(TIMING_MIN_SAMPLES_CONFIG, d.timingMinSamples()),
                    longValue(MEMORY_RESERVE_BYTES_CONFIG, d.memoryReserveBytes()),
                    longValue(DOWN_AFTER_MS_CONFIG, d.downAfterMillis()),
                    longValue(LIVENESS_CHECK_MS_CONFIG, d.livenessCheckIntervalMillis()),
                    longValue(MAX_FUTURE_SKEW_MS_CONFIG, d.maxFutureSkewMillis()),
                    client.get(GPU_METRICS_TOPIC_CONFIG).orElse("").trim(), labels(), failureMode());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid chainplan.ingest settings: " + e.getMessage(), e);
        }
    }

    private List<String> labels() {
        String raw = client.get(GPU_METRICS_SERVER_LABELS_CONFIG).orElse("Hostname,gpu");
        List<String> out = Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (out.isEmpty()) {
            throw new IllegalArgumentException(GPU_METRICS_SERVER_LABELS_CONFIG + " must name at least one label, was \"" + raw + "\"");
        }
        return out;
    }

    private FailureMode failureMode() {
        String raw = client.get(FAILURE_MODE_CONFIG).orElse(FailureMode.DEAD_LETTER.configValue());
        return FailureMode.parse(FAILURE_MODE_CONFIG, raw);
    }

    /**
     * @return the scrape endpoint port: {@code -1} none, {@code 0} any free port
     */
    public int metricsPort() {
        long p = longValue(METRICS_PORT_CONFIG, METRICS_PORT_DEFAULT);
        if (p < -1 || p > 65535) {
            throw new IllegalArgumentException(METRICS_PORT_CONFIG + " must be -1 or in [0, 65535], was " + p);
        }
        return (int) p;
    }

    /**
     * Kafka Streams properties: the client's Kafka properties with {@code application.id}
     * defaulting to {@value #DEFAULT_APPLICATION_ID}, {@code processing.guarantee} to
     * {@code exactly_once_v2}, {@code commit.interval.ms} to 1000 (estimates move in steps of
     * seconds, and each commit is a transaction), {@code max.task.idle.ms} to -1 (no processor joins partitions by
     * event time, so a task with an empty input partition need not wait), and the KIP-1033/1034 dead-letter exception handlers installed
     * (unless set explicitly).
     *
     * @return a fresh mutable property set (object values allowed)
     */
    public Properties streamsProperties() {
        Properties p = new Properties();
        Map<String, Object> kafka = client.kafkaProperties();
        p.putAll(kafka);
        p.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
        p.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Estimates move in steps of seconds: a commit (one transaction under exactly-once) per second
        // costs nothing in freshness and a fraction of the default 100 ms commits' overhead.
        p.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000");
        // No processor joins partitions by time, so a task need not wait for its empty partitions.
        p.putIfAbsent(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "-1");
        p.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandlers.Processing.class.getName());
        p.putIfAbsent(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterExceptionHandlers.Deserialization.class.getName());
        p.put(DeadLetterExceptionHandlers.DEAD_LETTER_TOPIC_CONFIG, topics().deadLetters());
        return p;
    }

    private long longValue(String key, long dflt) {
        String raw = client.get(key).orElse(null);
        if (raw == null || raw.isBlank()) {
            return dflt;
        }
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, was \"" + raw + "\"", e);
        }
    }

    private double doubleValue(String key, double dflt) {
        String raw = client.get(key).orElse(null);
        if (raw == null || raw.isBlank()) {
            return dflt;
        }
        try {
            return Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, was \"" + raw + "\"", e);
        }
    }
}
