package io.chainplan.optimizer.service;

import io.chainplan.optimizer.replan.ReplanSettings;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.serde.FailureMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Settings of the optimizer service, read from the same properties file as the Kafka client
 * settings ({@link ClientConfig}); every key starts with {@code chainplan.optimizer.} so that it
 * stays out of the Kafka client properties. Each key has a {@code *_CONFIG} / {@code *_DOC} pair,
 * as in Kafka's {@code StreamsConfig}.
 *
 * @param instanceId          this instance's id; the producer's {@code transactional.id} is
 *                            {@code <groupId>-<instanceId>}
 * @param groupId             consumer group shared by all instances
 * @param replan              triggers, debounce and move threshold
 * @param targetLoad          rho_bar of GBP-CR (DESIGN.md §1.2), in (0, 1)
 * @param objective           objective of the search over c: lower-bound, upper-bound or surrogate
 * @param defaultModelId      model of server estimates without a model id; empty: every model
 * @param minRatePerSecond    demand estimates below this rate (e.g. 0) are solved at this rate
 * @param pollTimeout         longest wait of one consumer poll
 * @param commitInterval      longest time consumed offsets stay uncommitted when no plan is made
 * @param transactionTimeout  producer {@code transaction.timeout.ms}: how long a crashed
 *                            instance's open transaction blocks readers at most (plus the broker's
 *                            abort check interval)
 * @param modelsFailureMode   what to do with a bad model spec (default dead-letter: keep the last
 *                            good spec; see {@link #MODELS_FAILURE_MODE_DOC})
 * @param serversFailureMode  what to do with a bad server estimate (default dead-letter)
 * @param demandFailureMode   what to do with a bad demand estimate (default dead-letter)
 * @param metricsPort         port of the Prometheus scrape endpoint of {@code chainplan optimizer}:
 *                            -1 none, 0 any free port
 */
public record OptimizerConfig(
        String instanceId,
        String groupId,
        ReplanSettings replan,
        double targetLoad,
        String objective,
        Optional<String> defaultModelId,
        double minRatePerSecond,
        Duration pollTimeout,
        Duration commitInterval,
        Duration transactionTimeout,
        FailureMode modelsFailureMode,
        FailureMode serversFailureMode,
        FailureMode demandFailureMode,
        int metricsPort) {

    /** Prefix of every optimizer key. */
    public static final String PREFIX = "chainplan.optimizer.";
    /** Instance id key. */
    public static final String INSTANCE_ID_CONFIG = PREFIX + "instance.id";
    /** Doc of {@link #INSTANCE_ID_CONFIG}. */
    public static final String INSTANCE_ID_DOC = "Id of this instance, unique in the group and stable across restarts "
            + "(it names the transactional.id, so a restarted instance fences its crashed predecessor). Default optimizer-0.";
    /** Group id key. */
    public static final String GROUP_ID_CONFIG = PREFIX + "group.id";
    /** Doc of {@link #GROUP_ID_CONFIG}. */
    public static final String GROUP_ID_DOC = "Consumer group of all optimizer instances; models are shared by "
            + "demand-estimates partition. Default chainplan-optimizer.";
    /** Debounce key. */
    public static final String MIN_INTERVAL_MS_CONFIG = PREFIX + "min.interval.ms";
    /** Doc of {@link #MIN_INTERVAL_MS_CONFIG}. */
    public static final String MIN_INTERVAL_MS_DOC = "Debounce: least time between two plans of a model, ms. Default 30000.";
    /** Max age key. */
    public static final String MAX_AGE_MS_CONFIG = PREFIX + "max.age.ms";
    /** Doc of {@link #MAX_AGE_MS_CONFIG}. */
    public static final String MAX_AGE_MS_DOC = "Re-solve a plan older than this, ms. Default 3600000.";
    /** Server threshold key. */
    public static final String SERVER_THRESHOLD_CONFIG = PREFIX + "server.relative.threshold";
    /** Doc of {@link #SERVER_THRESHOLD_CONFIG}. */
    public static final String SERVER_THRESHOLD_DOC = "Re-solve when a server's memory, tau_c or tau_p moved by more "
            + "than this fraction of the planned value. Default 0.10.";
    /** Rate threshold key. */
    public static final String RATE_THRESHOLD_CONFIG = PREFIX + "rate.relative.threshold";
    /** Doc of {@link #RATE_THRESHOLD_CONFIG}. */
    public static final String RATE_THRESHOLD_DOC = "Re-solve when lambda moved by more than this fraction of the "
            + "planned rate and the estimate's 95% interval excludes the planned rate. Default 0.20.";
    /** Move threshold key. */
    public static final String MOVE_GAIN_CONFIG = PREFIX + "move.gain.threshold";
    /** Doc of {@link #MOVE_GAIN_CONFIG}. */
    public static final String MOVE_GAIN_DOC = "Move blocks only if the full re-placement's predicted lower bound is "
            + "better than the kept placement's by more than this fraction. Default 0.05.";
    /** Target load key. */
    public static final String TARGET_LOAD_CONFIG = PREFIX + "target.load";
    /** Doc of {@link #TARGET_LOAD_CONFIG}. */
    public static final String TARGET_LOAD_DOC = "rho_bar of GBP-CR, in (0, 1). Default 0.7.";
    /** Objective key. */
    public static final String OBJECTIVE_CONFIG = PREFIX + "objective";
    /** Doc of {@link #OBJECTIVE_CONFIG}. */
    public static final String OBJECTIVE_DOC = "Objective of the search over c: lower-bound, upper-bound or surrogate. "
            + "Default lower-bound.";
    /** Default model key. */
    public static final String DEFAULT_MODEL_CONFIG = PREFIX + "default.model.id";
    /** Doc of {@link #DEFAULT_MODEL_CONFIG}. */
    public static final String DEFAULT_MODEL_DOC = "Model of server estimates whose modelId is null. Unset: such a "
            + "server serves every model (right for single-model fleets).";
    /** Minimum rate key. */
    public static final String MIN_RATE_CONFIG = PREFIX + "min.rate.per.second";
    /** Doc of {@link #MIN_RATE_CONFIG}. */
    public static final String MIN_RATE_DOC = "A demand estimate below this rate (e.g. 0 for an idle model) is solved "
            + "at this rate, req/s. Default 0.001.";
    /** Poll timeout key. */
    public static final String POLL_MS_CONFIG = PREFIX + "poll.ms";
    /** Doc of {@link #POLL_MS_CONFIG}. */
    public static final String POLL_MS_DOC = "Longest wait of one consumer poll, ms. Default 50.";
    /** Commit interval key. */
    public static final String COMMIT_INTERVAL_MS_CONFIG = PREFIX + "commit.interval.ms";
    /** Doc of {@link #COMMIT_INTERVAL_MS_CONFIG}. */
    public static final String COMMIT_INTERVAL_MS_DOC = "Longest time consumed offsets and dead letters stay "
            + "uncommitted when no plan is made, ms. Default 1000.";
    /** Transaction timeout key. */
    public static final String TRANSACTION_TIMEOUT_MS_CONFIG = PREFIX + "transaction.timeout.ms";
    /** Doc of {@link #TRANSACTION_TIMEOUT_MS_CONFIG}. */
    public static final String TRANSACTION_TIMEOUT_MS_DOC = "Producer transaction.timeout.ms: the longest a crashed "
            + "instance's open transaction can hold up the instance taking over (the broker aborts it after this "
            + "time, checking every transaction.abort.timed.out.transaction.cleanup.interval.ms, default 10000). "
            + "Default 10000.";
    /** Model specs failure mode key. */
    public static final String MODELS_FAILURE_MODE_CONFIG = PREFIX + "models.failure.handling.mode";
    /** Doc of {@link #MODELS_FAILURE_MODE_CONFIG}. */
    public static final String MODELS_FAILURE_MODE_DOC = "fail | log-and-skip | dead-letter: what to do with a "
            + "model spec that fails to deserialize or validate. Default dead-letter: the model's last good spec "
            + "stays in force, like a router keeping its last good plan. (STYLE.md 6 makes fail the default for "
            + "configuration; the optimizer deviates because the models topic is read by every instance, so fail "
            + "would stop re-planning of every model, healthy ones included, on every instance, until a valid spec "
            + "supersedes the bad one in the compacted topic.) With fail, the service stops on a bad spec read "
            + "live, and a restarted service fails again while the latest record of that model id is the bad one.";
    /** Server estimates failure mode key. */
    public static final String SERVERS_FAILURE_MODE_CONFIG = PREFIX + "server.estimates.failure.handling.mode";
    /** Doc of {@link #SERVERS_FAILURE_MODE_CONFIG}. */
    public static final String SERVERS_FAILURE_MODE_DOC = "fail | log-and-skip | dead-letter: what to do with a "
            + "server estimate that fails to deserialize or validate, or names a model without a spec. "
            + "Default dead-letter: the server's last good estimate stays in force. With fail, as for model specs "
            + "(the latest record per server id counts on restart).";
    /** Demand estimates failure mode key. */
    public static final String DEMAND_FAILURE_MODE_CONFIG = PREFIX + "demand.estimates.failure.handling.mode";
    /** Doc of {@link #DEMAND_FAILURE_MODE_CONFIG}. */
    public static final String DEMAND_FAILURE_MODE_DOC = "fail | log-and-skip | dead-letter: what to do with a "
            + "demand estimate that fails to deserialize or validate, or names a model without a spec. "
            + "Default dead-letter: the model's last good estimate stays in force. With fail, the service stops "
            + "without committing the record's offset, so a restarted instance (or the one taking over) fails "
            + "on it again until the input is repaired or the mode is changed.";
    /** Metrics port key. */
    public static final String METRICS_PORT_CONFIG = PREFIX + "metrics.port";
    /** Doc of {@link #METRICS_PORT_CONFIG}. */
    public static final String METRICS_PORT_DOC = "Port of the Prometheus scrape endpoint GET /metrics of chainplan "
            + "optimizer (default 9465, next to telemetry-ingest's 9464; 0 picks a free port; -1 disables it).";
    /** Default of {@link #METRICS_PORT_CONFIG}. */
    public static final int METRICS_PORT_DEFAULT = 9465;

    /** Validates the fields. */
    public OptimizerConfig {
        requireText(instanceId, INSTANCE_ID_CONFIG);
        requireText(groupId, GROUP_ID_CONFIG);
        Objects.requireNonNull(replan, "replan");
        if (!(targetLoad > 0 && targetLoad < 1)) {
            throw new IllegalArgumentException(TARGET_LOAD_CONFIG + " must be in (0, 1), was " + targetLoad);
        }
        if (!(objective.equals("lower-bound") || objective.equals("upper-bound") || objective.equals("surrogate"))) {
            throw new IllegalArgumentException(OBJECTIVE_CONFIG + " must be lower-bound, upper-bound or surrogate, was "
                    + objective);
        }
        Objects.requireNonNull(defaultModelId, "defaultModelId");
        if (!(Double.isFinite(minRatePerSecond) && minRatePerSecond > 0)) {
            throw new IllegalArgumentException(MIN_RATE_CONFIG + " must be finite and > 0, was " + minRatePerSecond);
        }
        requirePositive(pollTimeout, POLL_MS_CONFIG);
        requirePositive(commitInterval, COMMIT_INTERVAL_MS_CONFIG);
        requirePositive(transactionTimeout, TRANSACTION_TIMEOUT_MS_CONFIG);
        Objects.requireNonNull(modelsFailureMode, MODELS_FAILURE_MODE_CONFIG);
        Objects.requireNonNull(serversFailureMode, SERVERS_FAILURE_MODE_CONFIG);
        Objects.requireNonNull(demandFailureMode, DEMAND_FAILURE_MODE_CONFIG);
        if (metricsPort < -1 || metricsPort > 65_535) {
            throw new IllegalArgumentException(METRICS_PORT_CONFIG + " must be -1 or in [0, 65535], was " + metricsPort);
        }
    }

    /**
     * The settings with the default failure modes (dead-letter) and metrics port; kept for callers
     * written before those keys existed.
     *
     * @param instanceId         see the record
     * @param groupId            see the record
     * @param replan             see the record
     * @param targetLoad         see the record
     * @param objective          see the record
     * @param defaultModelId     see the record
     * @param minRatePerSecond   see the record
     * @param pollTimeout        see the record
     * @param commitInterval     see the record
     * @param transactionTimeout see the record
     */
    public OptimizerConfig(String instanceId, String groupId, ReplanSettings replan, double targetLoad,
                           String objective, Optional<String> defaultModelId, double minRatePerSecond,
                           Duration pollTimeout, Duration commitInterval, Duration transactionTimeout) {
        this(instanceId, groupId, replan, targetLoad, objective, defaultModelId, minRatePerSecond, pollTimeout,
                commitInterval, transactionTimeout, FailureMode.DEAD_LETTER, FailureMode.DEAD_LETTER,
                FailureMode.DEAD_LETTER, METRICS_PORT_DEFAULT);
    }

    /**
     * @return the defaults of every key
     */
    public static OptimizerConfig defaults() {
        return from(Map.of());
    }

    /**
     * @param client the loaded client config (file + environment)
     * @return the optimizer settings it carries
     */
    public static OptimizerConfig from(ClientConfig client) {
        return from(client.all());
    }

    /**
     * @param values settings by key; missing keys take their defaults
     * @return the settings
     * @throws IllegalArgumentException naming the key and value of an invalid setting
     */
    public static OptimizerConfig from(Map<String, String> values) {
        Map<String, String> v = new TreeMap<>(values);
        ReplanSettings d = ReplanSettings.DEFAULTS;
        ReplanSettings replan = new ReplanSettings(
                longOf(v, MIN_INTERVAL_MS_CONFIG, d.minIntervalMillis()),
                longOf(v, MAX_AGE_MS_CONFIG, d.maxAgeMillis()),
                doubleOf(v, SERVER_THRESHOLD_CONFIG, d.serverRelativeThreshold()),
                doubleOf(v, RATE_THRESHOLD_CONFIG, d.rateRelativeThreshold()),
                doubleOf(v, MOVE_GAIN_CONFIG, d.moveGainThreshold()));
        return new OptimizerConfig(
                v.getOrDefault(INSTANCE_ID_CONFIG, "optimizer-0"),
                v.getOrDefault(GROUP_ID_CONFIG, "chainplan-optimizer"),
                replan,
                doubleOf(v, TARGET_LOAD_CONFIG, 0.7),
                v.getOrDefault(OBJECTIVE_CONFIG, "lower-bound").toLowerCase(Locale.ROOT),
                Optional.ofNullable(v.get(DEFAULT_MODEL_CONFIG)).filter(s -> !s.isBlank()),
                doubleOf(v, MIN_RATE_CONFIG, 0.001),
                Duration.ofMillis(longOf(v, POLL_MS_CONFIG, 50)),
                Duration.ofMillis(longOf(v, COMMIT_INTERVAL_MS_CONFIG, 1000)),
                Duration.ofMillis(longOf(v, TRANSACTION_TIMEOUT_MS_CONFIG, 10_000)),
                modeOf(v, MODELS_FAILURE_MODE_CONFIG),
                modeOf(v, SERVERS_FAILURE_MODE_CONFIG),
                modeOf(v, DEMAND_FAILURE_MODE_CONFIG),
                intOf(v, METRICS_PORT_CONFIG, METRICS_PORT_DEFAULT));
    }

    /**
     * Every key with its doc, in key order (for {@code --help}-style listings and the README).
     *
     * @return key to doc
     */
    public static Map<String, String> documentation() {
        Map<String, String> m = new TreeMap<>();
        m.put(INSTANCE_ID_CONFIG, INSTANCE_ID_DOC);
        m.put(GROUP_ID_CONFIG, GROUP_ID_DOC);
        m.put(MIN_INTERVAL_MS_CONFIG, MIN_INTERVAL_MS_DOC);
        m.put(MAX_AGE_MS_CONFIG, MAX_AGE_MS_DOC);
        m.put(SERVER_THRESHOLD_CONFIG, SERVER_THRESHOLD_DOC);
        m.put(RATE_THRESHOLD_CONFIG, RATE_THRESHOLD_DOC);
        m.put(MOVE_GAIN_CONFIG, MOVE_GAIN_DOC);
        m.put(TARGET_LOAD_CONFIG, TARGET_LOAD_DOC);
        m.put(OBJECTIVE_CONFIG, OBJECTIVE_DOC);
        m.put(DEFAULT_MODEL_CONFIG, DEFAULT_MODEL_DOC);
        m.put(MIN_RATE_CONFIG, MIN_RATE_DOC);
        m.put(POLL_MS_CONFIG, POLL_MS_DOC);
        m.put(COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS_DOC);
        m.put(TRANSACTION_TIMEOUT_MS_CONFIG, TRANSACTION_TIMEOUT_MS_DOC);
        m.put(MODELS_FAILURE_MODE_CONFIG, MODELS_FAILURE_MODE_DOC);
        m.put(SERVERS_FAILURE_MODE_CONFIG, SERVERS_FAILURE_MODE_DOC);
        m.put(DEMAND_FAILURE_MODE_CONFIG, DEMAND_FAILURE_MODE_DOC);
        m.put(METRICS_PORT_CONFIG, METRICS_PORT_DOC);
        return m;
    }

    /**
     * @return the producer's transactional id, {@code <groupId>-<instanceId>}
     */
    public String transactionalId() {
        return groupId + "-" + instanceId;
    }

    /**
     * @param instance another instance id
     * @return these settings for that instance
     */
    public OptimizerConfig withInstanceId(String instance) {
        return new OptimizerConfig(instance, groupId, replan, targetLoad, objective, defaultModelId,
                minRatePerSecond, pollTimeout, commitInterval, transactionTimeout, modelsFailureMode,
                serversFailureMode, demandFailureMode, metricsPort);
    }

    private static FailureMode modeOf(Map<String, String> v, String key) {
        String s = v.get(key);
        return s == null ? FailureMode.DEAD_LETTER : FailureMode.parse(key, s);
    }

    private static int intOf(Map<String, String> v, String key, int dflt) {
        long l = longOf(v, key, dflt);
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + " must be an int, was " + l);
        }
        return (int) l;
    }

    private static long longOf(Map<String, String> v, String key, long dflt) {
        String s = v.get(key);
        if (s == null) {
            return dflt;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, was \"" + s + "\"", e);
        }
    }

    private static double doubleOf(Map<String, String> v, String key, double dflt) {
        String s = v.get(key);
        if (s == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, was \"" + s + "\"", e);
        }
    }

    private static void requireText(String s, String key) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(key + " must not be blank, was \"" + s + "\"");
        }
    }

    private static void requirePositive(Duration d, String key) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + " must be > 0 ms, was " + d);
        }
    }
}
