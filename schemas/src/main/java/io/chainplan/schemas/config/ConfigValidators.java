package io.chainplan.schemas.config;

import io.chainplan.schemas.serde.FailureMode;
import io.chainplan.schemas.serde.Topics;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The {@link ConfigDef.Validator}s chainplan's keys need beyond Kafka's own ({@code Range},
 * {@code ValidString}, ...): finite double intervals (Kafka's {@code Range} lets NaN through and has
 * no open ends), case-insensitive choices listed in a fixed order, non-blank strings and lists,
 * registry URLs and topic prefixes. Each validator's {@code toString} is the "valid values" text of
 * the documentation table; each failure is a {@link ConfigException} naming the key and the value.
 */
public final class ConfigValidators {
    private ConfigValidators() {
    }

    /**
     * @param lower exclusive lower bound
     * @return finite doubles above {@code lower}
     */
    public static ConfigDef.Validator finiteAbove(double lower) {
        return new Interval(lower, false, Double.POSITIVE_INFINITY, false);
    }

    /**
     * @param lower inclusive lower bound
     * @return finite doubles at or above {@code lower}
     */
    public static ConfigDef.Validator finiteAtLeast(double lower) {
        return new Interval(lower, true, Double.POSITIVE_INFINITY, false);
    }

    /**
     * @param lower exclusive lower bound
     * @param upper exclusive upper bound
     * @return doubles in {@code (lower, upper)}
     */
    public static ConfigDef.Validator open(double lower, double upper) {
        return new Interval(lower, false, upper, false);
    }

    /**
     * @param lower inclusive lower bound
     * @param upper exclusive upper bound
     * @return doubles in {@code [lower, upper)}
     */
    public static ConfigDef.Validator closedOpen(double lower, double upper) {
        return new Interval(lower, true, upper, false);
    }

    /**
     * @param choices the valid values, in the order the documentation lists them
     * @return strings equal to one of them, ignoring case
     */
    public static ConfigDef.Validator oneOf(List<String> choices) {
        return new OneOf(List.copyOf(choices));
    }

    /**
     * @return {@code fail}, {@code log-and-skip} or {@code dead-letter} (any case), as
     *         {@link FailureMode#parse} reads them
     */
    public static ConfigDef.Validator failureMode() {
        return oneOf(Arrays.stream(FailureMode.values()).map(FailureMode::configValue).toList());
    }

    /**
     * @return strings that are not null, empty or only white space
     */
    public static ConfigDef.Validator nonBlank() {
        return ConfigDef.LambdaValidator.with((key, value) -> {
            if (value == null || value.toString().isBlank()) {
                throw new ConfigException(key, value, "must not be blank");
            }
        }, () -> "non-blank string");
    }

    /**
     * @return lists with at least one entry and no empty entries
     */
    public static ConfigDef.Validator nonEmptyList() {
        return ConfigDef.LambdaValidator.with((key, value) -> {
            List<?> list = (List<?>) value;
            if (list == null || list.isEmpty() || list.stream().anyMatch(e -> e.toString().isBlank())) {
                throw new ConfigException(key, value, "must be a comma-separated list of at least one non-empty entry");
            }
        }, () -> "non-empty comma-separated list");
    }

    /**
     * @return comma-separated {@code http://} or {@code https://} URLs with a host
     */
    public static ConfigDef.Validator httpUrls() {
        return ConfigDef.LambdaValidator.with((key, value) -> {
            for (String url : String.valueOf(value).split(",", -1)) {
                if (!isHttpUrl(url.trim())) {
                    throw new ConfigException(key, value, "must be http:// or https:// URLs with a host, comma-separated");
                }
            }
        }, () -> "http(s) URLs, comma-separated");
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * @return prefixes {@link Topics#withPrefix} accepts
     */
    public static ConfigDef.Validator topicPrefix() {
        return ConfigDef.LambdaValidator.with((key, value) -> {
            try {
                Topics.withPrefix(String.valueOf(value));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, value, e.getMessage());
            }
        }, () -> "letters, digits, '.', '_', '-'");
    }

    /**
     * Runs the validator {@code def} has for {@code key}: how a record built in code keeps the
     * invariants its config keys declare.
     *
     * @param def   the definitions
     * @param key   a key defined there
     * @param value a parsed value of the key's type
     * @throws ConfigException naming the key and value if the value is invalid
     * @throws IllegalArgumentException if {@code def} does not define {@code key}
     */
    public static void ensureValid(ConfigDef def, String key, Object value) {
        ConfigDef.ConfigKey k = def.configKeys().get(key);
        if (k == null) {
            throw new IllegalArgumentException("no definition of " + key);
        }
        if (k.validator != null) {
            k.validator.ensureValid(key, value);
        }
    }

    /** A finite interval of doubles, open or closed at each end (an infinite end is open). */
    private record Interval(double lower, boolean lowerClosed, double upper, boolean upperClosed)
            implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            double v = ((Number) value).doubleValue();
            boolean aboveLower = lowerClosed ? v >= lower : v > lower;
            boolean belowUpper = upperClosed ? v <= upper : v < upper;
            if (!Double.isFinite(v) || !aboveLower || !belowUpper) {
                throw new ConfigException(name, value, "Value must be " + (Double.isInfinite(upper) ? "" : "in ") + this);
            }
        }

        @Override
        public String toString() {
            if (Double.isInfinite(upper)) {
                return (lowerClosed ? ">= " : "> ") + format(lower);
            }
            return (lowerClosed ? "[" : "(") + format(lower) + ", " + format(upper) + (upperClosed ? "]" : ")");
        }

        private static String format(double d) {
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
    }

    /** One of a fixed list of strings, ignoring case. */
    private record OneOf(List<String> choices) implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String s = value == null ? "" : value.toString().trim();
            if (choices.stream().noneMatch(s::equalsIgnoreCase)) {
                throw new ConfigException(name, value, "must be one of " + this);
            }
        }

        @Override
        public String toString() {
            return String.join(", ", choices);
        }
    }
}
