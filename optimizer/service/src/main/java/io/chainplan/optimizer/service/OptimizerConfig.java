package io.chainplan.optimizer.service;

import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Objective;
import io.chainplan.optimizer.replan.ReplanSettings;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.config.ConfigKeys;
import io.chainplan.schemas.config.ConfigValidators;
import io.chainplan.schemas.serde.FailureMode;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of the optimizer service, read from the same properties file as the Kafka client
 * settings ({@link ClientConfig}); every key starts with {@code chainplan.optimizer.} so that it
 * stays out of the Kafka client properties. Each key has a {@code *_CONFIG} / {@code *_DOC} pair,
 * as in Kafka's {@code StreamsConfig}, and is defined once, with its type, default and valid
 * values, in {@link #configDef()}: parsing refuses a value of the wrong type (an int key given
 * 4294967328 or 2.5), out of range or unknown under {@value #PREFIX}, with a {@link ConfigException}
 * naming the key.
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
 * @param modelsFailureMode   what to do with a bad model spec (see {@link #MODELS_FAILURE_MODE_DOC})
 * @param serversFailureMode  what to do with a bad server estimate
 * @param demandFailureMode   what to do with a bad demand estimate
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
            + "(it names the transactional.id, so a restarted instance fences its crashed predecessor).";
    /** Group id key. */
    public static final String GROUP_ID_CONFIG = PREFIX + "group.id";
    /** Doc of {@link #GROUP_ID_CONFIG}. */
    public static final String GROUP_ID_DOC = "Consumer group of all optimizer instances; models are shared by "
            + "demand-estimates partition.";
    /** Debounce key. */
    public static final String MIN_INTERVAL_MS_CONFIG = PREFIX + "min.interval.ms";
    /** Doc of {@link #MIN_INTERVAL_MS_CONFIG}. */
    public static final String MIN_INTERVAL_MS_DOC = "Debounce: least time between two plans of a model, ms.";
    /** Max age key. */
    public static final String MAX_AGE_MS_CONFIG = PREFIX + "max.age.ms";
    /** Doc of {@link #MAX_AGE_MS_CONFIG}. */
    public static final String MAX_AGE_MS_DOC = "Re-solve a plan older than this, ms.";
    /** Server threshold key. */
    public static final String SERVER_THRESHOLD_CONFIG = PREFIX + "server.relative.threshold";
    /** Doc of {@link #SERVER_THRESHOLD_CONFIG}. */
    public static final String SERVER_THRESHOLD_DOC = "Re-solve when a server's memory, tau_c or tau_p moved by more "
            + "than this fraction of the planned value.";
    /** Rate threshold key. */
    public static final String RATE_THRESHOLD_CONFIG = PREFIX + "rate.relative.threshold";
    /** Doc of {@link #RATE_THRESHOLD_CONFIG}. */
    public static final String RATE_THRESHOLD_DOC = "Re-solve when lambda moved by more than this fraction of the "
            + "planned rate and the estimate's 95% interval excludes the planned rate.";
    /** Burstiness threshold key. */
    public static final String BURST_THRESHOLD_CONFIG = PREFIX + "burst.relative.threshold";
    /** Doc of {@link #BURST_THRESHOLD_CONFIG}. */
    public static final String BURST_THRESHOLD_DOC = "Re-solve when the arrival process fitted to the measured burstiness"
            + " changed kind (Poisson, bursty) or its index of dispersion at 60 s moved by more than this fraction of the"
            + " plan's.";
    /** Token-mix threshold key. */
    public static final String MIX_THRESHOLD_CONFIG = PREFIX + "mix.relative.threshold";
    /** Doc of {@link #MIX_THRESHOLD_CONFIG}. */
    public static final String MIX_THRESHOLD_DOC = "Re-solve (trigger MIX_SHIFT) when the demand estimate's mean prompt"
            + " or generated tokens per request moved by more than this fraction of the plan's mix and the plan's mean"
            + " is outside the measured mean's 95% interval (its standard error, from ingest). The plan evaluates"
            + " every server's per-token coefficients at the measured mix, so one plan answers a mix change for the"
            + " whole fleet.";
    /** Fleet settle key. */
    public static final String FLEET_SETTLE_MS_CONFIG = PREFIX + "fleet.settle.ms";
    /** Doc of {@link #FLEET_SETTLE_MS_CONFIG}. */
    public static final String FLEET_SETTLE_MS_DOC = "A model whose spec declares declaredRatePerSecond gets its first"
            + " plan at that rate before any demand estimate, once its set of up servers has not changed for this long,"
            + " ms (servers report one at a time; at least their telemetry interval). Telemetry-ingest's first demand"
            + " estimate then re-plans (trigger FIRST_ESTIMATE), once it has measured the token mix (or at once if the"
            + " demand is above the declared rate). A first plan from a demand estimate does not wait.";
    /** Move threshold key. */
    public static final String MOVE_GAIN_CONFIG = PREFIX + "move.gain.threshold";
    /** Doc of {@link #MOVE_GAIN_CONFIG}. */
    public static final String MOVE_GAIN_DOC = "Move blocks only if the full re-placement's predicted lower bound is "
            + "better than the kept placement's by more than this fraction.";
    /** Target load key. */
    public static final String TARGET_LOAD_CONFIG = PREFIX + "target.load";
    /** Doc of {@link #TARGET_LOAD_CONFIG}. */
    public static final String TARGET_LOAD_DOC = "Target load rho_bar of GBP-CR (DESIGN.md 1.2): chains are formed until "
            + "their rate reaches lambda / (rho_bar c).";
    /** Objective key. */
    public static final String OBJECTIVE_CONFIG = PREFIX + "objective";
    /** Doc of {@link #OBJECTIVE_CONFIG}. */
    public static final String OBJECTIVE_DOC = "Objective of the search over the cache reservation c: the Theorem-4 "
            + "lower or upper bound on the mean response time, or the surrogate c K(c).";
    /** Default model key. */
    public static final String DEFAULT_MODEL_CONFIG = PREFIX + "default.model.id";
    /** Doc of {@link #DEFAULT_MODEL_CONFIG}. */
    public static final String DEFAULT_MODEL_DOC = "Model of server estimates whose modelId is null. Unset: such a "
            + "server serves every model (right for single-model fleets).";
    /** Minimum rate key. */
    public static final String MIN_RATE_CONFIG = PREFIX + "min.rate.per.second";
    /** Doc of {@link #MIN_RATE_CONFIG}. */
    public static final String MIN_RATE_DOC = "A demand estimate below this rate (e.g. 0 for an idle model) is solved "
            + "at this rate, req/s.";
    /** Poll timeout key. */
    public static final String POLL_MS_CONFIG = PREFIX + "poll.ms";
    /** Doc of {@link #POLL_MS_CONFIG}. */
    public static final String POLL_MS_DOC = "Longest wait of one consumer poll, ms.";
    /** Commit interval key. */
    public static final String COMMIT_INTERVAL_MS_CONFIG = PREFIX + "commit.interval.ms";
    /** Doc of {@link #COMMIT_INTERVAL_MS_CONFIG}. */
    public static final String COMMIT_INTERVAL_MS_DOC = "Longest time consumed offsets and dead letters stay "
            + "uncommitted when no plan is made, ms.";
    /** Transaction timeout key. */
    public static final String TRANSACTION_TIMEOUT_MS_CONFIG = PREFIX + "transaction.timeout.ms";
    /** Doc of {@link #TRANSACTION_TIMEOUT_MS_CONFIG}. */
    public static final String TRANSACTION_TIMEOUT_MS_DOC = "Producer transaction.timeout.ms: the longest a crashed "
            + "instance's open transaction can hold up the instance taking over (the broker aborts it after this "
            + "time, checking every transaction.abort.timed.out.transaction.cleanup.interval.ms, default 10000). "
            + "At most the broker's transaction.max.timeout.ms (default 900000), which refuses a longer one.";
    /** Model specs failure mode key. */
    public static final String MODELS_FAILURE_MODE_CONFIG = PREFIX + "models.failure.handling.mode";
    /** Doc of {@link #MODELS_FAILURE_MODE_CONFIG}. */
    public static final String MODELS_FAILURE_MODE_DOC = "What to do with a model spec"
            + " that fails to deserialize or validate. With dead-letter, the model's last good spec "
            + "stays in force, like a router keeping its last good plan. (STYLE.md 6 makes fail the default for "
            + "configuration; the optimizer deviates because the models topic is read by every instance, so fail "
            + "would stop re-planning of every model, healthy ones included, on every instance, until a valid spec "
            + "supersedes the bad one in the compacted topic.) With fail, the service stops on a bad spec read "
            + "live, and a restarted service fails again while the latest record of that model id is the bad one.";
    /** Server estimates failure mode key. */
    public static final String SERVERS_FAILURE_MODE_CONFIG = PREFIX + "server.estimates.failure.handling.mode";
    /** Doc of {@link #SERVERS_FAILURE_MODE_CONFIG}. */
    public static final String SERVERS_FAILURE_MODE_DOC = "What to do with a server estimate"
            + " that fails to deserialize or validate, or names a model without a spec. "
            + "With dead-letter, the server's last good estimate stays in force. With fail, as for model specs "
            + "(the latest record per server id counts on restart).";
    /** Demand estimates failure mode key. */
    public static final String DEMAND_FAILURE_MODE_CONFIG = PREFIX + "demand.estimates.failure.handling.mode";
    /** Doc of {@link #DEMAND_FAILURE_MODE_CONFIG}. */
    public static final String DEMAND_FAILURE_MODE_DOC = "What to do with a demand estimate"
            + " that fails to deserialize or validate, or names a model without a spec. "
            + "With dead-letter, the model's last good estimate stays in force. With fail, the service stops "
            + "without committing the record's offset, so a restarted instance (or the one taking over) fails "
            + "on it again until the input is repaired or the mode is changed.";
    /** Metrics port key. */
    public static final String METRICS_PORT_CONFIG = PREFIX + "metrics.port";
    /** Doc of {@link #METRICS_PORT_CONFIG}. */
    public static final String METRICS_PORT_DOC = "Port of the Prometheus scrape endpoint GET /metrics of chainplan "
            + "optimizer, next to telemetry-ingest's; 0 picks a free port, -1 disables it.";
    /** Default of {@link #METRICS_PORT_CONFIG}. */
    public static final int METRICS_PORT_DEFAULT = 9465;
    /**
     * Kafka's default broker {@code transaction.max.timeout.ms}: the largest
     * {@value #TRANSACTION_TIMEOUT_MS_CONFIG} a broker accepts unless configured otherwise.
     */
    public static final int BROKER_MAX_TRANSACTION_TIMEOUT_MS = 900_000;

    private static final ReplanSettings REPLAN_DEFAULTS = ReplanSettings.DEFAULTS;

    private static final ConfigDef CONFIG = new ConfigDef()
            .define(INSTANCE_ID_CONFIG, Type.STRING, "optimizer-0", ConfigValidators.nonBlank(), Importance.HIGH,
                    INSTANCE_ID_DOC)
            .define(GROUP_ID_CONFIG, Type.STRING, "chainplan-optimizer", ConfigValidators.nonBlank(), Importance.HIGH,
                    GROUP_ID_DOC)
            .define(MIN_INTERVAL_MS_CONFIG, Type.LONG, REPLAN_DEFAULTS.minIntervalMillis(), Range.atLeast(0),
                    Importance.MEDIUM, MIN_INTERVAL_MS_DOC)
            .define(MAX_AGE_MS_CONFIG, Type.LONG, REPLAN_DEFAULTS.maxAgeMillis(), Range.atLeast(1),
                    Importance.MEDIUM, MAX_AGE_MS_DOC)
            .define(SERVER_THRESHOLD_CONFIG, Type.DOUBLE, REPLAN_DEFAULTS.serverRelativeThreshold(),
                    ConfigValidators.finiteAbove(0), Importance.MEDIUM, SERVER_THRESHOLD_DOC)
            .define(RATE_THRESHOLD_CONFIG, Type.DOUBLE, REPLAN_DEFAULTS.rateRelativeThreshold(),
                    ConfigValidators.finiteAbove(0), Importance.MEDIUM, RATE_THRESHOLD_DOC)
            .define(MOVE_GAIN_CONFIG, Type.DOUBLE, REPLAN_DEFAULTS.moveGainThreshold(), ConfigValidators.closedOpen(0, 1),
                    Importance.MEDIUM, MOVE_GAIN_DOC)
            .define(BURST_THRESHOLD_CONFIG, Type.DOUBLE, REPLAN_DEFAULTS.burstRelativeThreshold(),
                    ConfigValidators.finiteAbove(0), Importance.MEDIUM, BURST_THRESHOLD_DOC)
            .define(MIX_THRESHOLD_CONFIG, Type.DOUBLE, REPLAN_DEFAULTS.mixRelativeThreshold(),
                    ConfigValidators.finiteAbove(0), Importance.MEDIUM, MIX_THRESHOLD_DOC)
            .define(FLEET_SETTLE_MS_CONFIG, Type.LONG, REPLAN_DEFAULTS.fleetSettleMillis(), Range.atLeast(0),
                    Importance.MEDIUM, FLEET_SETTLE_MS_DOC)
            .define(TARGET_LOAD_CONFIG, Type.DOUBLE, Fleet.DEFAULT_TARGET_LOAD, ConfigValidators.open(0, 1),
                    Importance.HIGH, TARGET_LOAD_DOC)
            .define(OBJECTIVE_CONFIG, Type.STRING, Objective.LOWER_BOUND.cliName(),
                    ConfigValidators.oneOf(Arrays.stream(Objective.values()).map(Objective::cliName).toList()),
                    Importance.MEDIUM, OBJECTIVE_DOC)
            .define(DEFAULT_MODEL_CONFIG, Type.STRING, null, Importance.LOW, DEFAULT_MODEL_DOC)
            .define(MIN_RATE_CONFIG, Type.DOUBLE, 0.001, ConfigValidators.finiteAbove(0), Importance.LOW, MIN_RATE_DOC)
            .define(POLL_MS_CONFIG, Type.LONG, 50L, Range.atLeast(1), Importance.LOW, POLL_MS_DOC)
            .define(COMMIT_INTERVAL_MS_CONFIG, Type.LONG, 1_000L, Range.atLeast(1), Importance.LOW,
                    COMMIT_INTERVAL_MS_DOC)
            .define(TRANSACTION_TIMEOUT_MS_CONFIG, Type.INT, 10_000, Range.between(1_000, BROKER_MAX_TRANSACTION_TIMEOUT_MS),
                    Importance.MEDIUM, TRANSACTION_TIMEOUT_MS_DOC)
            .define(MODELS_FAILURE_MODE_CONFIG, Type.STRING, FailureMode.DEAD_LETTER.configValue(),
                    ConfigValidators.failureMode(), Importance.MEDIUM, MODELS_FAILURE_MODE_DOC)
            .define(SERVERS_FAILURE_MODE_CONFIG, Type.STRING, FailureMode.DEAD_LETTER.configValue(),
                    ConfigValidators.failureMode(), Importance.MEDIUM, SERVERS_FAILURE_MODE_DOC)
            .define(DEMAND_FAILURE_MODE_CONFIG, Type.STRING, FailureMode.DEAD_LETTER.configValue(),
                    ConfigValidators.failureMode(), Importance.MEDIUM, DEMAND_FAILURE_MODE_DOC)
            .define(METRICS_PORT_CONFIG, Type.INT, METRICS_PORT_DEFAULT, Range.between(-1, 65_535), Importance.MEDIUM,
                    METRICS_PORT_DOC);

    /**
     * Validates the fields with the validators of their keys ({@link #configDef()}), so settings made in
     * code keep the rules a config file must; lower-cases the objective.
     *
     * @throws ConfigException naming the key and value of an invalid field
     */
    public OptimizerConfig {
        ConfigValidators.ensureValid(CONFIG, INSTANCE_ID_CONFIG, instanceId);
        ConfigValidators.ensureValid(CONFIG, GROUP_ID_CONFIG, groupId);
        Objects.requireNonNull(replan, "replan");
        ConfigValidators.ensureValid(CONFIG, TARGET_LOAD_CONFIG, targetLoad);
        objective = Objects.requireNonNull(objective, OBJECTIVE_CONFIG).trim().toLowerCase(Locale.ROOT);
        ConfigValidators.ensureValid(CONFIG, OBJECTIVE_CONFIG, objective);
        Objects.requireNonNull(defaultModelId, "defaultModelId");
        ConfigValidators.ensureValid(CONFIG, MIN_RATE_CONFIG, minRatePerSecond);
        ConfigValidators.ensureValid(CONFIG, POLL_MS_CONFIG, millis(pollTimeout, POLL_MS_CONFIG));
        ConfigValidators.ensureValid(CONFIG, COMMIT_INTERVAL_MS_CONFIG, millis(commitInterval, COMMIT_INTERVAL_MS_CONFIG));
        ConfigValidators.ensureValid(CONFIG, TRANSACTION_TIMEOUT_MS_CONFIG,
                millis(transactionTimeout, TRANSACTION_TIMEOUT_MS_CONFIG));
        Objects.requireNonNull(modelsFailureMode, MODELS_FAILURE_MODE_CONFIG);
        Objects.requireNonNull(serversFailureMode, SERVERS_FAILURE_MODE_CONFIG);
        Objects.requireNonNull(demandFailureMode, DEMAND_FAILURE_MODE_CONFIG);
        ConfigValidators.ensureValid(CONFIG, METRICS_PORT_CONFIG, metricsPort);
    }

    /**
     * The settings with the default failure modes and metrics port; kept for callers written before
     * those keys existed.
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
                commitInterval, transactionTimeout, defaultMode(MODELS_FAILURE_MODE_CONFIG),
                defaultMode(SERVERS_FAILURE_MODE_CONFIG), defaultMode(DEMAND_FAILURE_MODE_CONFIG), METRICS_PORT_DEFAULT);
    }

    /**
     * @return a copy of the definitions of the {@code chainplan.optimizer.*} keys: type, default,
     *         valid values and doc
     */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
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
     * @throws ConfigException as {@link #from(Map)}
     */
    public static OptimizerConfig from(ClientConfig client) {
        return from(client.all());
    }

    /**
     * @param values settings by key; missing keys take their defaults, keys outside
     *               {@value #PREFIX} are ignored
     * @return the settings
     * @throws ConfigException naming the key and value of an invalid setting, or an unknown
     *                         {@code chainplan.optimizer.*} key (with the known key closest to it)
     */
    public static OptimizerConfig from(Map<String, String> values) {
        ConfigKeys.requireKnown(values, key -> key.startsWith(PREFIX), CONFIG.names());
        Map<String, Object> v = CONFIG.parse(values);
        ReplanSettings replan = new ReplanSettings((Long) v.get(MIN_INTERVAL_MS_CONFIG), (Long) v.get(MAX_AGE_MS_CONFIG),
                (Double) v.get(SERVER_THRESHOLD_CONFIG), (Double) v.get(RATE_THRESHOLD_CONFIG),
                (Double) v.get(MOVE_GAIN_CONFIG), (Double) v.get(BURST_THRESHOLD_CONFIG),
                (Double) v.get(MIX_THRESHOLD_CONFIG), (Long) v.get(FLEET_SETTLE_MS_CONFIG));
        return new OptimizerConfig(
                (String) v.get(INSTANCE_ID_CONFIG),
                (String) v.get(GROUP_ID_CONFIG),
                replan,
                (Double) v.get(TARGET_LOAD_CONFIG),
                (String) v.get(OBJECTIVE_CONFIG),
                Optional.ofNullable((String) v.get(DEFAULT_MODEL_CONFIG)).filter(s -> !s.isBlank()),
                (Double) v.get(MIN_RATE_CONFIG),
                Duration.ofMillis((Long) v.get(POLL_MS_CONFIG)),
                Duration.ofMillis((Long) v.get(COMMIT_INTERVAL_MS_CONFIG)),
                Duration.ofMillis((Integer) v.get(TRANSACTION_TIMEOUT_MS_CONFIG)),
                mode(v, MODELS_FAILURE_MODE_CONFIG),
                mode(v, SERVERS_FAILURE_MODE_CONFIG),
                mode(v, DEMAND_FAILURE_MODE_CONFIG),
                (Integer) v.get(METRICS_PORT_CONFIG));
    }

    /**
     * Every key with its doc, in key order (for {@code --help}-style listings and the README).
     *
     * @return key to doc
     */
    public static Map<String, String> documentation() {
        Map<String, String> m = new TreeMap<>();
        CONFIG.configKeys().forEach((key, def) -> m.put(key, def.documentation));
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

    private static FailureMode mode(Map<String, Object> v, String key) {
        return FailureMode.parse(key, (String) v.get(key));
    }

    private static FailureMode defaultMode(String key) {
        return FailureMode.parse(key, (String) CONFIG.defaultValues().get(key));
    }

    private static long millis(Duration d, String key) {
        return Objects.requireNonNull(d, key).toMillis();
    }
}
