package io.chainplan.schemas.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.commons.text.similarity.LevenshteinDistance;
import org.apache.kafka.common.config.ConfigException;

/**
 * Strict configuration keys (issue 13, item 13): a key under a prefix chainplan owns that no
 * definition knows is an error that names it and, when a known key is a few edits away, suggests
 * that key ({@code chainplan.optimizer.min.intervall.ms}: "did you mean
 * {@code chainplan.optimizer.min.interval.ms}?"). Keys chainplan does not own, such as the standard
 * Kafka client and Streams keys, are never checked here: they pass through to Kafka.
 * <p>chainplan owns {@code chainplan.*}, {@code schema.registry.*} and the {@code topic.prefix}
 * family: {@code topic.prefix}, keys that start with it, and {@code topic.*} keys at most
 * {@value #TOPIC_PREFIX_FAMILY_DISTANCE} edits from it (Kafka Streams' own {@code topic.*} keys,
 * settings of its internal topics such as {@code topic.retention.ms}, are all further away).
 * Deterministic: keys are reported in sorted order, ties between suggestions go to the first key in
 * sorted order.
 */
public final class ConfigKeys {
    /** Prefix of the services' keys ({@code chainplan.ingest.}, {@code chainplan.optimizer.}). */
    public static final String CHAINPLAN_PREFIX = "chainplan.";
    /** Prefix of the schema-registry client's keys. */
    public static final String SCHEMA_REGISTRY_PREFIX = "schema.registry.";
    /** The key whose near misses chainplan also owns. */
    static final String TOPIC_PREFIX_KEY = "topic.prefix";
    /** Most edits from {@code topic.prefix} of a {@code topic.*} key that is taken for a misspelling of it. */
    static final int TOPIC_PREFIX_FAMILY_DISTANCE = 2;
    /** Most edits between an unknown key and the known key suggested for it. */
    static final int SUGGESTION_DISTANCE = 3;

    private static final LevenshteinDistance SUGGESTION = new LevenshteinDistance(SUGGESTION_DISTANCE);
    private static final LevenshteinDistance FAMILY = new LevenshteinDistance(TOPIC_PREFIX_FAMILY_DISTANCE);

    private ConfigKeys() {
    }

    /**
     * @param key a configuration key
     * @return whether chainplan owns it (class doc), so that it must be known and never reaches Kafka
     */
    public static boolean isChainplanKey(String key) {
        return key.startsWith(CHAINPLAN_PREFIX) || key.startsWith(SCHEMA_REGISTRY_PREFIX) || isTopicPrefixFamily(key);
    }

    /**
     * @param key a configuration key
     * @return whether it is {@code topic.prefix}, starts with it, or is a near miss of it (class doc)
     */
    static boolean isTopicPrefixFamily(String key) {
        return key.startsWith(TOPIC_PREFIX_KEY) || key.startsWith("topic.") && FAMILY.apply(key, TOPIC_PREFIX_KEY) >= 0;
    }

    /**
     * Fails on every key that {@code owned} claims and {@code known} lacks.
     *
     * @param values settings by key (only the keys are read, so secrets never reach a message)
     * @param owned  the keys the caller owns
     * @param known  the keys defined for them
     * @throws ConfigException naming each unknown key, with a suggestion where one is close
     */
    public static void requireKnown(Map<String, ?> values, Predicate<String> owned, Collection<String> known) {
        List<String> unknown = new ArrayList<>();
        for (String key : new TreeSet<>(values.keySet())) {
            if (owned.test(key) && !known.contains(key)) {
                unknown.add(key + closest(key, known).map(k -> " (did you mean " + k + "?)").orElse(""));
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException((unknown.size() == 1 ? "unknown configuration key " : "unknown configuration keys ")
                    + String.join(", ", unknown));
        }
    }

    /**
     * @param key   an unknown key
     * @param known the known keys
     * @return the known key fewest edits away, if it is at most {@value #SUGGESTION_DISTANCE} edits away
     */
    public static Optional<String> closest(String key, Collection<String> known) {
        return known.stream()
                .filter(k -> SUGGESTION.apply(key, k) >= 0)
                .min(Comparator.<String>comparingInt(k -> SUGGESTION.apply(key, k)).thenComparing(Comparator.naturalOrder()));
    }
}
