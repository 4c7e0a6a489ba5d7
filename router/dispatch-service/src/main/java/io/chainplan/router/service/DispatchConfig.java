package io.chainplan.router.service;

import io.chainplan.router.policy.DispatchPolicies;
import io.chainplan.router.policy.DispatchPolicy;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.config.ConfigKeys;
import io.chainplan.schemas.config.ConfigValidators;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of the dispatch service ({@code chainplan dispatch}), read from the same properties file
 * as the Kafka client settings ({@link ClientConfig}); every key starts with {@value #PREFIX}. Each
 * key has a {@code *_CONFIG} / {@code *_DOC} pair and is defined once, with its type, default and
 * valid values, in {@link #configDef()}: an unknown key under the prefix, a value of the wrong type
 * or out of range is a {@link ConfigException} naming the key.
 *
 * @param instanceId          this instance's id, unique in the group and stable across restarts
 * @param groupId             consumer group of all instances; models are shared by leases partition
 * @param httpHost            address the HTTP API binds to
 * @param httpPort            port of the HTTP API; 0 picks a free port
 * @param leaseTtl            a lease not renewed within this time expires and its slot returns
 * @param maxWait             longest queue wait an acquire may ask for
 * @param expiryCheckInterval how often leases are checked for expiry
 * @param transactionTimeout  producer {@code transaction.timeout.ms} of the earlier versions' transactional id
 * @param confirmTimeout      longest wait for the owner's reader to confirm a lease change before it is refused
 * @param policy              the dispatch policy (JFFC by default, DESIGN.md §1.2)
 * @param planLookback        plan records read back from the end of each plans partition at start
 * @param metricsPort         port of the Prometheus endpoint: -1 none, 0 any free port
 */
public record DispatchConfig(String instanceId, String groupId, String httpHost, int httpPort, Duration leaseTtl,
                             Duration maxWait, Duration expiryCheckInterval, Duration transactionTimeout,
                             Duration confirmTimeout, String policy, int planLookback, int metricsPort) {
    /** Prefix of every dispatch-service key. */
    public static final String PREFIX = "chainplan.dispatch.";
    /** Instance id key. */
    public static final String INSTANCE_ID_CONFIG = PREFIX + "instance.id";
    /** Doc of {@link #INSTANCE_ID_CONFIG}. */
    public static final String INSTANCE_ID_DOC = "Id of this dispatch-service instance, unique in the group and stable "
            + "across restarts (it names the static group membership, so a restarted instance takes its predecessor's "
            + "place in the group at once).";
    /** Group id key. */
    public static final String GROUP_ID_CONFIG = PREFIX + "group.id";
    /** Doc of {@link #GROUP_ID_CONFIG}. */
    public static final String GROUP_ID_DOC = "Consumer group of all dispatch-service instances; a model is served by "
            + "the instance assigned its chainplan.leases partition (the new owner of a partition fences the previous one "
            + "with a record in the partition itself).";
    /** HTTP host key. */
    public static final String HTTP_HOST_CONFIG = PREFIX + "http.host";
    /** Doc of {@link #HTTP_HOST_CONFIG}. */
    public static final String HTTP_HOST_DOC = "Address the HTTP API binds to.";
    /** HTTP port key. */
    public static final String HTTP_PORT_CONFIG = PREFIX + "http.port";
    /** Doc of {@link #HTTP_PORT_CONFIG}. */
    public static final String HTTP_PORT_DOC = "Port of the HTTP API (leases); 0 picks a free port.";
    /** Default of {@link #HTTP_PORT_CONFIG}. */
    public static final int HTTP_PORT_DEFAULT = 8480;
    /** Lease time-to-live key. */
    public static final String LEASE_TTL_MS_CONFIG = PREFIX + "lease.ttl.ms";
    /** Doc of {@link #LEASE_TTL_MS_CONFIG}. */
    public static final String LEASE_TTL_MS_DOC = "Time to live of a lease, ms: a lease not renewed within it "
            + "(counted from the grant or the last renewal) expires and its slot returns.";
    /** Max wait key. */
    public static final String MAX_WAIT_MS_CONFIG = PREFIX + "max.wait.ms";
    /** Doc of {@link #MAX_WAIT_MS_CONFIG}. */
    public static final String MAX_WAIT_MS_DOC = "Longest time an acquire may ask to wait in the central queue, ms; "
            + "a longer timeoutMs is a malformed request.";
    /** Expiry check interval key. */
    public static final String EXPIRY_CHECK_INTERVAL_MS_CONFIG = PREFIX + "expiry.check.interval.ms";
    /** Doc of {@link #EXPIRY_CHECK_INTERVAL_MS_CONFIG}. */
    public static final String EXPIRY_CHECK_INTERVAL_MS_DOC = "How often leases are checked for expiry, ms: a slot "
            + "returns at most this long after its lease expired.";
    /** Transaction timeout key. */
    public static final String TRANSACTION_TIMEOUT_MS_CONFIG = PREFIX + "transaction.timeout.ms";
    /** Doc of {@link #TRANSACTION_TIMEOUT_MS_CONFIG}. */
    public static final String TRANSACTION_TIMEOUT_MS_DOC = "Producer transaction.timeout.ms of the transactional id "
            + "<group.id>-leases-<partition> that earlier versions wrote leases with: the instance taking over a "
            + "partition registers that id once (initTransactions), which aborts a transaction such a version left open "
            + "at once (the lease writers themselves use no transactions). At most the broker's "
            + "transaction.max.timeout.ms (default 900000).";
    /** Confirmation timeout key. */
    public static final String CONFIRM_TIMEOUT_MS_CONFIG = PREFIX + "confirm.timeout.ms";
    /** Doc of {@link #CONFIRM_TIMEOUT_MS_CONFIG}. */
    public static final String CONFIRM_TIMEOUT_MS_DOC = "Longest time a lease change waits to be confirmed (no other "
            + "owner's fence before it in chainplan.leases: its predecessors are this instance's own writes, or its "
            + "reader read past them), ms; a change not confirmed "
            + "by then is refused with 503 (it may be in the log, where it counts as held at worst). Above the broker's "
            + "worst produce-to-fetch delay; a partition stuck behind another writer's open transaction hits it.";
    /** Policy key. */
    public static final String POLICY_CONFIG = PREFIX + "policy";
    /** Doc of {@link #POLICY_CONFIG}. */
    public static final String POLICY_DOC = "Dispatch policy of the central queue: jffc (join the fastest free chain, "
            + "DESIGN.md 1.2), or jsq, jiq, sed, sa-jsq for comparison.";
    /** Plan lookback key. */
    public static final String PLAN_LOOKBACK_CONFIG = PREFIX + "plan.lookback.records";
    /** Doc of {@link #PLAN_LOOKBACK_CONFIG}. */
    public static final String PLAN_LOOKBACK_DOC = "At start, how many records before the end of each chainplan.plans "
            + "partition are read to find each model's latest plan: at least the number of plans published since "
            + "the oldest model's latest plan in that partition.";
    /** Metrics port key. */
    public static final String METRICS_PORT_CONFIG = PREFIX + "metrics.port";
    /** Doc of {@link #METRICS_PORT_CONFIG}. */
    public static final String METRICS_PORT_DOC = "Port of the Prometheus scrape endpoint GET /metrics of chainplan "
            + "dispatch (next to the optimizer's 9465); 0 picks a free port, -1 disables it.";
    /** Default of {@link #METRICS_PORT_CONFIG}. */
    public static final int METRICS_PORT_DEFAULT = 9466;

    private static final ConfigDef CONFIG = new ConfigDef()
            .define(INSTANCE_ID_CONFIG, Type.STRING, "dispatch-0", ConfigValidators.nonBlank(), Importance.HIGH,
                    INSTANCE_ID_DOC)
            .define(GROUP_ID_CONFIG, Type.STRING, "chainplan-dispatch", ConfigValidators.nonBlank(), Importance.HIGH,
                    GROUP_ID_DOC)
            .define(HTTP_HOST_CONFIG, Type.STRING, "0.0.0.0", ConfigValidators.nonBlank(), Importance.MEDIUM,
                    HTTP_HOST_DOC)
            .define(HTTP_PORT_CONFIG, Type.INT, HTTP_PORT_DEFAULT, Range.between(0, 65_535), Importance.HIGH,
                    HTTP_PORT_DOC)
            .define(LEASE_TTL_MS_CONFIG, Type.LONG, 30_000L, Range.atLeast(1), Importance.HIGH, LEASE_TTL_MS_DOC)
            .define(MAX_WAIT_MS_CONFIG, Type.LONG, 60_000L, Range.atLeast(0), Importance.MEDIUM, MAX_WAIT_MS_DOC)
            .define(EXPIRY_CHECK_INTERVAL_MS_CONFIG, Type.LONG, 1_000L, Range.atLeast(1), Importance.LOW,
                    EXPIRY_CHECK_INTERVAL_MS_DOC)
            .define(TRANSACTION_TIMEOUT_MS_CONFIG, Type.INT, 10_000, Range.between(1_000, 900_000), Importance.MEDIUM,
                    TRANSACTION_TIMEOUT_MS_DOC)
            .define(CONFIRM_TIMEOUT_MS_CONFIG, Type.LONG, 10_000L, Range.atLeast(1), Importance.LOW,
                    CONFIRM_TIMEOUT_MS_DOC)
            .define(POLICY_CONFIG, Type.STRING, "jffc", ConfigValidators.oneOf(
                    DispatchPolicies.all().stream().map(DispatchPolicy::name).toList()), Importance.LOW, POLICY_DOC)
            .define(PLAN_LOOKBACK_CONFIG, Type.INT, 1_000, Range.atLeast(1), Importance.LOW, PLAN_LOOKBACK_DOC)
            .define(METRICS_PORT_CONFIG, Type.INT, METRICS_PORT_DEFAULT, Range.between(-1, 65_535), Importance.MEDIUM,
                    METRICS_PORT_DOC);

    /**
     * Validates the fields with the validators of their keys.
     *
     * @throws ConfigException naming the key and value of an invalid field
     */
    public DispatchConfig {
        ConfigValidators.ensureValid(CONFIG, INSTANCE_ID_CONFIG, instanceId);
        ConfigValidators.ensureValid(CONFIG, GROUP_ID_CONFIG, groupId);
        ConfigValidators.ensureValid(CONFIG, HTTP_HOST_CONFIG, httpHost);
        ConfigValidators.ensureValid(CONFIG, HTTP_PORT_CONFIG, httpPort);
        ConfigValidators.ensureValid(CONFIG, LEASE_TTL_MS_CONFIG, millis(leaseTtl, LEASE_TTL_MS_CONFIG));
        ConfigValidators.ensureValid(CONFIG, MAX_WAIT_MS_CONFIG, millis(maxWait, MAX_WAIT_MS_CONFIG));
        ConfigValidators.ensureValid(CONFIG, EXPIRY_CHECK_INTERVAL_MS_CONFIG,
                millis(expiryCheckInterval, EXPIRY_CHECK_INTERVAL_MS_CONFIG));
        ConfigValidators.ensureValid(CONFIG, TRANSACTION_TIMEOUT_MS_CONFIG,
                (int) millis(transactionTimeout, TRANSACTION_TIMEOUT_MS_CONFIG));
        ConfigValidators.ensureValid(CONFIG, CONFIRM_TIMEOUT_MS_CONFIG, millis(confirmTimeout, CONFIRM_TIMEOUT_MS_CONFIG));
        ConfigValidators.ensureValid(CONFIG, POLICY_CONFIG, policy);
        ConfigValidators.ensureValid(CONFIG, PLAN_LOOKBACK_CONFIG, planLookback);
        ConfigValidators.ensureValid(CONFIG, METRICS_PORT_CONFIG, metricsPort);
    }

    /**
     * @return a copy of the definitions of the {@code chainplan.dispatch.*} keys
     */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
    }

    /**
     * @return the defaults of every key
     */
    public static DispatchConfig defaults() {
        return from(Map.of());
    }

    /**
     * @param client the loaded client config (file + environment)
     * @return the dispatch settings it carries
     * @throws ConfigException as {@link #from(Map)}
     */
    public static DispatchConfig from(ClientConfig client) {
        return from(client.all());
    }

    /**
     * @param values settings by key; missing keys take their defaults, keys outside {@value #PREFIX} are ignored
     * @return the settings
     * @throws ConfigException naming the key and value of an invalid setting, or an unknown
     *                         {@code chainplan.dispatch.*} key (with the known key closest to it)
     */
    public static DispatchConfig from(Map<String, String> values) {
        ConfigKeys.requireKnown(values, key -> key.startsWith(PREFIX), CONFIG.names());
        Map<String, Object> v = CONFIG.parse(values);
        return new DispatchConfig((String) v.get(INSTANCE_ID_CONFIG), (String) v.get(GROUP_ID_CONFIG),
                (String) v.get(HTTP_HOST_CONFIG), (Integer) v.get(HTTP_PORT_CONFIG),
                Duration.ofMillis((Long) v.get(LEASE_TTL_MS_CONFIG)), Duration.ofMillis((Long) v.get(MAX_WAIT_MS_CONFIG)),
                Duration.ofMillis((Long) v.get(EXPIRY_CHECK_INTERVAL_MS_CONFIG)),
                Duration.ofMillis((Integer) v.get(TRANSACTION_TIMEOUT_MS_CONFIG)),
                Duration.ofMillis((Long) v.get(CONFIRM_TIMEOUT_MS_CONFIG)), (String) v.get(POLICY_CONFIG),
                (Integer) v.get(PLAN_LOOKBACK_CONFIG), (Integer) v.get(METRICS_PORT_CONFIG));
    }

    /**
     * @return {@code <groupId>-<instanceId>}, the prefix of this instance's Kafka client ids
     */
    public String clientIdPrefix() {
        return groupId + "-" + instanceId;
    }

    /**
     * @return the dispatch policy named by {@link #policy()}
     */
    public DispatchPolicy dispatchPolicy() {
        return DispatchPolicies.byName(policy);
    }

    /**
     * @param instance another instance id
     * @param port     another HTTP port
     * @return these settings for that instance
     */
    public DispatchConfig withInstance(String instance, int port) {
        return new DispatchConfig(instance, groupId, httpHost, port, leaseTtl, maxWait, expiryCheckInterval,
                transactionTimeout, confirmTimeout, policy, planLookback, metricsPort);
    }

    private static long millis(Duration d, String key) {
        return Objects.requireNonNull(d, key).toMillis();
    }
}
