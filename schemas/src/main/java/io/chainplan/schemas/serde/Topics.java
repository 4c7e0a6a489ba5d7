package io.chainplan.schemas.serde;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import io.chainplan.schemas.registry.SchemaRegistry;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topic names of DESIGN.md 2.2 under one configurable prefix (default {@code chainplan.}),
 * with each topic's cleanup policy and serdes. Keys are strings (model id or server id); values
 * are Avro in the Confluent wire format, except dead letters (original bytes).
 * Immutable.
 */
public final class Topics {
    /** The default prefix. */
    public static final String DEFAULT_PREFIX = "chainplan.";
    /** Config key of the prefix. */
    public static final String TOPIC_PREFIX_CONFIG = "topic.prefix";
    /** Doc of {@link #TOPIC_PREFIX_CONFIG}. */
    public static final String TOPIC_PREFIX_DOC = "Prefix of every chainplan topic name.";
    /** The schema registry's own topic (not prefixed), compacted. */
    public static final String SCHEMAS_TOPIC = "_schemas";

    /** Kafka cleanup policies used here. */
    public enum Cleanup {
        /** Keep the latest value per key ({@code cleanup.policy=compact}). */
        COMPACT,
        /** Delete by time/size ({@code cleanup.policy=delete}, default retention). */
        DELETE,
        /** Never delete: {@code cleanup.policy=delete}, {@code retention.ms=-1} (the plan audit log). */
        KEEP_FOREVER;

        /**
         * @return topic configs implementing this policy
         */
        public Map<String, String> configs() {
            Map<String, String> c = new LinkedHashMap<>();
            c.put("cleanup.policy", this == COMPACT ? "compact" : "delete");
            if (this == KEEP_FOREVER) {
                c.put("retention.ms", "-1");
                c.put("retention.bytes", "-1");
            }
            return c;
        }
    }

    /**
     * A topic to create.
     *
     * @param name    full topic name
     * @param cleanup cleanup policy
     */
    public record Spec(String name, Cleanup cleanup) {
        /** Validates the fields. */
        public Spec {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(cleanup, "cleanup");
        }

        /**
         * @return topic configs for creation
         */
        public Map<String, String> configs() {
            return cleanup.configs();
        }
    }

    private final String prefix;

    private Topics(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (!prefix.matches("[a-zA-Z0-9._-]*")) {
            throw new IllegalArgumentException("prefix may contain only letters, digits, '.', '_' and '-', was \"" + prefix + "\"");
        }
        this.prefix = prefix;
    }

    /**
     * @return topics with the default prefix {@code chainplan.}
     */
    public static Topics defaults() {
        return new Topics(DEFAULT_PREFIX);
    }

    /**
     * @param prefix prefix of every name, e.g. {@code test42.} (may be empty)
     * @return topics with that prefix
     */
    public static Topics withPrefix(String prefix) {
        return new Topics(prefix);
    }

    /** @return the prefix */
    public String prefix() {
        return prefix;
    }

    /** @return model specs topic, key model id, value {@code ModelSpec}, compacted */
    public String models() {
        return prefix + "models";
    }

    /**
     * @return accepted model specs, key model id, value the {@code ModelSpec} bytes exactly as read from
     *         {@link #models()} once they passed validation (a tombstone once the model was deleted),
     *         compacted: written by telemetry-ingest, the last good spec of every model, read by the
     *         ingest and the optimizer where a model's latest spec on {@link #models()} is bad (compaction
     *         would otherwise leave the bad spec as the only one)
     */
    public String acceptedModels() {
        return prefix + "accepted-models";
    }

    /**
     * @return fleet membership topic, key server id, value the {@code ServerTelemetry} report that made
     *         telemetry-ingest first see the server (again after each restart), compacted: the servers
     *         that have reported telemetry, against which request events' hops are checked
     */
    public String fleet() {
        return prefix + "fleet";
    }

    /** @return server telemetry topic, key server id, value {@code ServerTelemetry} */
    public String telemetry() {
        return prefix + "telemetry";
    }

    /** @return request events topic, key model id, value {@code RequestEvent} */
    public String requests() {
        return prefix + "requests";
    }

    /** @return server estimates topic, key server id, value {@code ServerEstimate}, compacted */
    public String serverEstimates() {
        return prefix + "server-estimates";
    }

    /** @return demand estimates topic, key model id, value {@code DemandEstimate}, compacted */
    public String demandEstimates() {
        return prefix + "demand-estimates";
    }

    /** @return chain plans topic, key model id, value {@code ChainPlan}, kept forever (audit log) */
    public String plans() {
        return prefix + "plans";
    }

    /**
     * @return leases topic of the dispatch service, key lease id, value {@code DispatchLease} (a
     *         tombstone once released or expired), compacted
     */
    public String leases() {
        return prefix + "leases";
    }

    /** @return dead-letter topic, original key and value bytes with error headers ({@link DeadLetters}) */
    public String deadLetters() {
        return prefix + "dead-letters";
    }

    /**
     * @return every chainplan topic with its cleanup policy, in DESIGN.md 2.2 order
     */
    public List<Spec> all() {
        return List.of(
                new Spec(models(), Cleanup.COMPACT),
                new Spec(acceptedModels(), Cleanup.COMPACT),
                new Spec(telemetry(), Cleanup.DELETE),
                new Spec(fleet(), Cleanup.COMPACT),
                new Spec(requests(), Cleanup.DELETE),
                new Spec(serverEstimates(), Cleanup.COMPACT),
                new Spec(demandEstimates(), Cleanup.COMPACT),
                new Spec(plans(), Cleanup.KEEP_FOREVER),
                new Spec(leases(), Cleanup.COMPACT),
                new Spec(deadLetters(), Cleanup.DELETE));
    }

    /**
     * @return the serde of every key (model or server id, UTF-8)
     */
    public static Serde<String> keySerde() {
        return Serdes.String();
    }

    /**
     * @param type     value record class
     * @param registry schema registry
     * @param <T>      value type
     * @return a value serde in the Confluent wire format
     */
    public static <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type, SchemaRegistry registry) {
        return AvroSerdes.specific(type, registry, false);
    }

    @Override
    public String toString() {
        return "Topics[prefix=" + prefix + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Topics t && t.prefix.equals(prefix);
    }

    @Override
    public int hashCode() {
        return prefix.hashCode();
    }
}
