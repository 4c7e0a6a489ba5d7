package io.chainplan.ingest.app;

import io.chainplan.ingest.estimate.DemandEstimatorSettings;
import io.chainplan.ingest.estimate.EmissionRule;
import io.chainplan.ingest.estimate.TimingPrior;
import io.chainplan.ingest.topology.DeadLetterExceptionHandlers;
import io.chainplan.ingest.topology.IngestSettings;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.config.ConfigKeys;
import io.chainplan.schemas.config.ConfigValidators;
import io.chainplan.schemas.serde.FailureMode;
import io.chainplan.schemas.serde.Topics;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Configuration of the telemetry-ingest application: a {@link ClientConfig} (Kafka connection,
 * schema registry, topic prefix; standard Kafka Streams keys such as {@code application.id},
 * {@code processing.guarantee}, {@code num.stream.threads}, {@code state.dir} pass through)
 * plus the {@code chainplan.ingest.*} keys below, each with a {@code _CONFIG}/{@code _DOC} pair
 * as in Kafka's {@code StreamsConfig} and defined once, with its type, default and valid values, in
 * {@link #configDef()}. Every value is parsed and checked when the config is made: a bad value or
 * an unknown {@code chainplan.ingest.*} key fails with a {@link ConfigException} naming the key.
 * Immutable.
 */
public final class IngestConfig {
    /** Prefix of the ingest keys. */
    public static final String PREFIX = "chainplan.ingest.";

    /** Default {@code application.id} (also the consumer group and internal-topic prefix). */
    public static final String DEFAULT_APPLICATION_ID = "chainplan-ingest";

    /** Estimation window. */
    public static final String DEMAND_WINDOW_MS_CONFIG = PREFIX + "demand.window.ms";
    /** Doc of {@link #DEMAND_WINDOW_MS_CONFIG}. */
    public static final String DEMAND_WINDOW_MS_DOC = "Arrival-rate window W, ms of event time; a sustained shift shows in the estimate within about one window.";
    /** Step of the estimate. */
    public static final String DEMAND_STEP_MS_CONFIG = PREFIX + "demand.step.ms";
    /** Doc of {@link #DEMAND_STEP_MS_CONFIG}. */
    public static final String DEMAND_STEP_MS_DOC = "The demand estimate advances every this many ms of event time; must divide the window into at least 2 steps.";
    /** Horizon in windows. */
    public static final String DEMAND_HORIZON_WINDOWS_CONFIG = PREFIX + "demand.horizon.windows";
    /** Doc of {@link #DEMAND_HORIZON_WINDOWS_CONFIG}. */
    public static final String DEMAND_HORIZON_WINDOWS_DOC = "Under a constant rate the estimate uses at most this many windows of data.";
    /** Grace for late events. */
    public static final String DEMAND_GRACE_MS_CONFIG = PREFIX + "demand.grace.ms";
    /** Doc of {@link #DEMAND_GRACE_MS_CONFIG}. */
    public static final String DEMAND_GRACE_MS_DOC = "A time bucket closes this many ms of event time after its end; later events still count from the next step.";
    /** Burstiness history. */
    public static final String BURSTINESS_HISTORY_MS_CONFIG = PREFIX + "burstiness.history.ms";
    /** Doc of {@link #BURSTINESS_HISTORY_MS_CONFIG}. */
    public static final String BURSTINESS_HISTORY_MS_DOC = "Burstiness (the index of dispersion of counts) is measured over at most this many ms of event time: of the current regime, the newest, or of all of them when the level changed at least three times within it (recurring level changes are the bursts, and the rate estimate is then the long-run rate over this history); the token means use this history too; a multiple of the step.";
    /** Longest wait for a bucket's requests to complete before the token means count it. */
    public static final String TOKENS_COMPLETION_WAIT_MS_CONFIG = PREFIX + "tokens.completion.wait.ms";
    /** Doc of {@link #TOKENS_COMPLETION_WAIT_MS_CONFIG}. */
    public static final String TOKENS_COMPLETION_WAIT_MS_DOC = "The mean prompt and generated tokens per request are taken over requests by arrival time (a completion counts at its time minus its response time), over the oldest buckets whose requests have all completed; a bucket some of whose requests never complete (dropped, events lost) counts once its end is this many ms of event time old; at most the token history (the longer of the rate's horizon and the burstiness history).";
    /** Relative change that triggers a publication. */
    public static final String EMIT_RELATIVE_CHANGE_CONFIG = PREFIX + "emit.relative.change";
    /** Doc of {@link #EMIT_RELATIVE_CHANGE_CONFIG}. */
    public static final String EMIT_RELATIVE_CHANGE_DOC = "Publish an estimate when a value moved by more than this fraction since the last one.";
    /** Heartbeat. */
    public static final String EMIT_HEARTBEAT_MS_CONFIG = PREFIX + "emit.heartbeat.ms";
    /** Doc of {@link #EMIT_HEARTBEAT_MS_CONFIG}. */
    public static final String EMIT_HEARTBEAT_MS_DOC = "Publish estimates at least this often, in ms of event time.";
    /** Timing window. */
    public static final String TIMING_WINDOW_SAMPLES_CONFIG = PREFIX + "timing.window.samples";
    /** Doc of {@link #TIMING_WINDOW_SAMPLES_CONFIG}. */
    public static final String TIMING_WINDOW_SAMPLES_DOC = "Effective number of hop samples in the robust tau_p/tau_c mean.";
    /** Samples needed to trust measured timings. */
    public static final String TIMING_MIN_SAMPLES_CONFIG = PREFIX + "timing.min.samples";
    /** Doc of {@link #TIMING_MIN_SAMPLES_CONFIG}. */
    public static final String TIMING_MIN_SAMPLES_DOC = "Measured timings replace the declared ones from this many samples on.";
    /** Weight of the declared timings in the per-token fits. */
    public static final String TIMING_PRIOR_SAMPLES_CONFIG = PREFIX + "timing.prior.samples";
    /** Doc of {@link #TIMING_PRIOR_SAMPLES_CONFIG}. */
    public static final String TIMING_PRIOR_SAMPLES_DOC = "Weight of a server's declared timings in its per-token fit: each coefficient's term of the declared tau_c/tau_p at the model's declared token means counts as this many hop samples.";
    /** t_o of the prior split. */
    public static final String TIMING_PRIOR_BLOCK_OVERHEAD_CONFIG = PREFIX + "timing.prior.block.overhead.seconds";
    /** Doc of {@link #TIMING_PRIOR_BLOCK_OVERHEAD_CONFIG}. */
    public static final String TIMING_PRIOR_BLOCK_OVERHEAD_DOC = "t_o assumed when a declared tau_p is split into per-token coefficients (the prior and the fallback), seconds per block per request.";
    /** Prefill share of the prior split. */
    public static final String TIMING_PRIOR_PREFILL_SHARE_CONFIG = PREFIX + "timing.prior.prefill.share";
    /** Doc of {@link #TIMING_PRIOR_PREFILL_SHARE_CONFIG}. */
    public static final String TIMING_PRIOR_PREFILL_SHARE_DOC = "Share of tau_p - t_o that prefill takes in the model's declared mean request, when a declared tau_p is split into per-token coefficients.";
    /** Memory reserve. */
    public static final String MEMORY_RESERVE_BYTES_CONFIG = PREFIX + "memory.reserve.bytes";
    /** Doc of {@link #MEMORY_RESERVE_BYTES_CONFIG}. */
    public static final String MEMORY_RESERVE_BYTES_DOC = "Bytes kept back from each server's total GPU memory: M_j = total - reserve.";
    /** Liveness timeout. */
    public static final String DOWN_AFTER_MS_CONFIG = PREFIX + "liveness.down.after.ms";
    /** Doc of {@link #DOWN_AFTER_MS_CONFIG}. */
    public static final String DOWN_AFTER_MS_DOC = "A server without telemetry for this many ms (wall clock against event time) is DOWN.";
    /** Liveness check period. */
    public static final String LIVENESS_CHECK_MS_CONFIG = PREFIX + "liveness.check.interval.ms";
    /** Doc of {@link #LIVENESS_CHECK_MS_CONFIG}. */
    public static final String LIVENESS_CHECK_MS_DOC = "How often liveness is checked, wall-clock ms.";
    /** Future skew. */
    public static final String MAX_FUTURE_SKEW_MS_CONFIG = PREFIX + "max.future.skew.ms";
    /** Doc of {@link #MAX_FUTURE_SKEW_MS_CONFIG}. */
    public static final String MAX_FUTURE_SKEW_MS_DOC = "Records whose event time is more than this many ms ahead of the wall clock are dead-lettered.";
    /** GPU metrics topic. */
    public static final String GPU_METRICS_TOPIC_CONFIG = PREFIX + "gpu.metrics.topic";
    /** Doc of {@link #GPU_METRICS_TOPIC_CONFIG}. */
    public static final String GPU_METRICS_TOPIC_DOC = "Topic with Prometheus-to-Kafka adapter JSON GPU metrics (DCGM_FI_DEV_FB_* in MiB) that supply server memory; empty for none.";
    /** Server id labels. */
    public static final String GPU_METRICS_SERVER_LABELS_CONFIG = PREFIX + "gpu.metrics.server.labels";
    /** Doc of {@link #GPU_METRICS_SERVER_LABELS_CONFIG}. */
    public static final String GPU_METRICS_SERVER_LABELS_DOC = "Labels of the GPU metrics whose values, joined by '/', are the server id.";
    /** Bad-record handling. */
    public static final String FAILURE_MODE_CONFIG = PREFIX + "failure.handling.mode";
    /** Doc of {@link #FAILURE_MODE_CONFIG}. */
    public static final String FAILURE_MODE_DOC = "What to do with a record that fails to deserialize or validate: stop (fail), count and skip it, or also write it to the dead-letter topic.";
    /** Metrics port. */
    public static final String METRICS_PORT_CONFIG = PREFIX + "metrics.port";
    /** Doc of {@link #METRICS_PORT_CONFIG}. */
    public static final String METRICS_PORT_DOC = "Port of the Prometheus scrape endpoint GET /metrics; 0 picks a free port, -1 disables it.";
    /** Default of {@link #METRICS_PORT_CONFIG}. */
    public static final int METRICS_PORT_DEFAULT = 9464;

    private static final IngestSettings DEFAULTS = IngestSettings.defaults();

    private static final ConfigDef CONFIG = new ConfigDef()
            .define(DEMAND_WINDOW_MS_CONFIG, Type.LONG, DEFAULTS.demand().windowMillis(), Range.atLeast(1),
                    Importance.HIGH, DEMAND_WINDOW_MS_DOC)
            .define(DEMAND_STEP_MS_CONFIG, Type.LONG, DEFAULTS.demand().stepMillis(), Range.atLeast(1),
                    Importance.MEDIUM, DEMAND_STEP_MS_DOC)
            .define(DEMAND_HORIZON_WINDOWS_CONFIG, Type.INT, DEFAULTS.demand().horizonWindows(), Range.atLeast(1),
                    Importance.LOW, DEMAND_HORIZON_WINDOWS_DOC)
            .define(DEMAND_GRACE_MS_CONFIG, Type.LONG, DEFAULTS.graceMillis(), Range.atLeast(0),
                    Importance.LOW, DEMAND_GRACE_MS_DOC)
            .define(BURSTINESS_HISTORY_MS_CONFIG, Type.LONG, DEFAULTS.demand().burstinessHistoryMillis(), Range.atLeast(1),
                    Importance.LOW, BURSTINESS_HISTORY_MS_DOC)
            .define(TOKENS_COMPLETION_WAIT_MS_CONFIG, Type.LONG, DEFAULTS.demand().maxCompletionWaitMillis(), Range.atLeast(1),
                    Importance.LOW, TOKENS_COMPLETION_WAIT_MS_DOC)
            .define(EMIT_RELATIVE_CHANGE_CONFIG, Type.DOUBLE, DEFAULTS.demandEmission().relativeChange(),
                    ConfigValidators.finiteAtLeast(0), Importance.MEDIUM, EMIT_RELATIVE_CHANGE_DOC)
            .define(EMIT_HEARTBEAT_MS_CONFIG, Type.LONG, DEFAULTS.demandEmission().heartbeatMillis(), Range.atLeast(1),
                    Importance.MEDIUM, EMIT_HEARTBEAT_MS_DOC)
            .define(TIMING_WINDOW_SAMPLES_CONFIG, Type.INT, DEFAULTS.timingWindowSamples(), Range.atLeast(1),
                    Importance.LOW, TIMING_WINDOW_SAMPLES_DOC)
            .define(TIMING_MIN_SAMPLES_CONFIG, Type.LONG, DEFAULTS.timingMinSamples(), Range.atLeast(1),
                    Importance.LOW, TIMING_MIN_SAMPLES_DOC)
            .define(TIMING_PRIOR_SAMPLES_CONFIG, Type.DOUBLE, DEFAULTS.timingPrior().samples(), ConfigValidators.finiteAbove(0),
                    Importance.LOW, TIMING_PRIOR_SAMPLES_DOC)
            .define(TIMING_PRIOR_BLOCK_OVERHEAD_CONFIG, Type.DOUBLE, DEFAULTS.timingPrior().blockOverheadSeconds(),
                    ConfigValidators.finiteAtLeast(0), Importance.LOW, TIMING_PRIOR_BLOCK_OVERHEAD_DOC)
            .define(TIMING_PRIOR_PREFILL_SHARE_CONFIG, Type.DOUBLE, DEFAULTS.timingPrior().prefillShare(),
                    Range.between(0.0, 1.0), Importance.LOW, TIMING_PRIOR_PREFILL_SHARE_DOC)
            .define(MEMORY_RESERVE_BYTES_CONFIG, Type.LONG, DEFAULTS.memoryReserveBytes(), Range.atLeast(0),
                    Importance.HIGH, MEMORY_RESERVE_BYTES_DOC)
            .define(DOWN_AFTER_MS_CONFIG, Type.LONG, DEFAULTS.downAfterMillis(), Range.atLeast(1),
                    Importance.HIGH, DOWN_AFTER_MS_DOC)
            .define(LIVENESS_CHECK_MS_CONFIG, Type.LONG, DEFAULTS.livenessCheckIntervalMillis(), Range.atLeast(1),
                    Importance.LOW, LIVENESS_CHECK_MS_DOC)
            .define(MAX_FUTURE_SKEW_MS_CONFIG, Type.LONG, DEFAULTS.maxFutureSkewMillis(), Range.atLeast(0),
                    Importance.LOW, MAX_FUTURE_SKEW_MS_DOC)
            .define(GPU_METRICS_TOPIC_CONFIG, Type.STRING, DEFAULTS.gpuMetricsTopic(), Importance.MEDIUM,
                    GPU_METRICS_TOPIC_DOC)
            .define(GPU_METRICS_SERVER_LABELS_CONFIG, Type.LIST, DEFAULTS.gpuServerLabels(),
                    ConfigValidators.nonEmptyList(), Importance.MEDIUM, GPU_METRICS_SERVER_LABELS_DOC)
            .define(FAILURE_MODE_CONFIG, Type.STRING, DEFAULTS.failureMode().configValue(), ConfigValidators.failureMode(),
                    Importance.MEDIUM, FAILURE_MODE_DOC)
            .define(METRICS_PORT_CONFIG, Type.INT, METRICS_PORT_DEFAULT, Range.between(-1, 65_535),
                    Importance.MEDIUM, METRICS_PORT_DOC);

    private final ClientConfig client;
    private final IngestSettings settings;
    private final int metricsPort;

    private IngestConfig(ClientConfig client) {
        this.client = Objects.requireNonNull(client, "client");
        ConfigKeys.requireKnown(client.all(), key -> key.startsWith(PREFIX), CONFIG.names());
        Map<String, Object> v = CONFIG.parse(client.all());
        this.settings = settings(v);
        this.metricsPort = (Integer) v.get(METRICS_PORT_CONFIG);
    }

    /**
     * @param client connection settings and ingest keys
     * @return the config
     * @throws ConfigException naming the key and value of an invalid setting, or an unknown
     *                         {@code chainplan.ingest.*} key (with the known key closest to it)
     */
    public static IngestConfig of(ClientConfig client) {
        return new IngestConfig(client);
    }

    /**
     * @return a copy of the definitions of the {@code chainplan.ingest.*} keys: type, default
     *         (those of {@link IngestSettings#defaults()}), valid values and doc
     */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
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
     */
    public IngestSettings settings() {
        return settings;
    }

    private static IngestSettings settings(Map<String, Object> v) {
        EmissionRule rule = new EmissionRule((Double) v.get(EMIT_RELATIVE_CHANGE_CONFIG), (Long) v.get(EMIT_HEARTBEAT_MS_CONFIG));
        @SuppressWarnings("unchecked")
        List<String> labels = (List<String>) v.get(GPU_METRICS_SERVER_LABELS_CONFIG);
        String mode = (String) v.get(FAILURE_MODE_CONFIG);
        return new IngestSettings(demand(v), (Long) v.get(DEMAND_GRACE_MS_CONFIG), rule, rule,
                (Integer) v.get(TIMING_WINDOW_SAMPLES_CONFIG), DEFAULTS.timingClipSigmas(),
                (Long) v.get(TIMING_MIN_SAMPLES_CONFIG), timingPrior(v), (Long) v.get(MEMORY_RESERVE_BYTES_CONFIG),
                (Long) v.get(DOWN_AFTER_MS_CONFIG), (Long) v.get(LIVENESS_CHECK_MS_CONFIG),
                (Long) v.get(MAX_FUTURE_SKEW_MS_CONFIG), (String) v.get(GPU_METRICS_TOPIC_CONFIG), labels,
                FailureMode.parse(FAILURE_MODE_CONFIG, mode));
    }

    /** Range.between lets NaN through: the prior's own check names the key then. */
    private static TimingPrior timingPrior(Map<String, Object> v) {
        double share = (Double) v.get(TIMING_PRIOR_PREFILL_SHARE_CONFIG);
        try {
            return new TimingPrior((Double) v.get(TIMING_PRIOR_SAMPLES_CONFIG), (Double) v.get(TIMING_PRIOR_BLOCK_OVERHEAD_CONFIG),
                    share);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(TIMING_PRIOR_PREFILL_SHARE_CONFIG, share, e.getMessage());
        }
    }

    /**
     * The window and the burstiness history must be multiples of the step, the completion wait within the token
     * history (the rules across keys);
     * each key is range-checked alone.
     */
    private static DemandEstimatorSettings demand(Map<String, Object> v) {
        DemandEstimatorSettings d = DEFAULTS.demand();
        long window = (Long) v.get(DEMAND_WINDOW_MS_CONFIG);
        long step = (Long) v.get(DEMAND_STEP_MS_CONFIG);
        long history = (Long) v.get(BURSTINESS_HISTORY_MS_CONFIG);
        long wait = (Long) v.get(TOKENS_COMPLETION_WAIT_MS_CONFIG);
        try {
            return new DemandEstimatorSettings(window, step, (Integer) v.get(DEMAND_HORIZON_WINDOWS_CONFIG),
                    d.confidence(), d.burstBuckets(), d.shiftRatio(), d.cusumThreshold(), d.clipQuantile(), history, wait);
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("maxCompletionWaitMillis")) {
                throw new ConfigException(TOKENS_COMPLETION_WAIT_MS_CONFIG + "=" + wait + " and " + BURSTINESS_HISTORY_MS_CONFIG
                        + "=" + history + " do not fit: " + e.getMessage());
            }
            String other = e.getMessage().startsWith("burstinessHistoryMillis")
                    ? BURSTINESS_HISTORY_MS_CONFIG + "=" + history : DEMAND_WINDOW_MS_CONFIG + "=" + window;
            throw new ConfigException(other + " and " + DEMAND_STEP_MS_CONFIG + "=" + step + " do not fit: " + e.getMessage());
        }
    }

    /**
     * @return the scrape endpoint port: {@code -1} none, {@code 0} any free port
     */
    public int metricsPort() {
        return metricsPort;
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
}
