package io.chainplan.optimizer.service;

import java.util.Locale;

/**
 * What the optimizer does with an input record that fails to deserialize or validate, or that
 * names a model without a spec (STYLE.md §6, after Debezium's
 * {@code event.processing.failure.handling.mode}). Set per input topic in {@link OptimizerConfig}.
 */
public enum FailureMode {
    /**
     * Stop the service: {@link OptimizerService#failure()} names the record (topic-partition@offset)
     * and the problem, and nothing consumed after the last commit is committed. A restarted service
     * meets the record again (see {@link OptimizerConfig#MODELS_FAILURE_MODE_DOC}).
     */
    FAIL,
    /** Log the record's position and the problem once, count it in {@code chainplan.optimizer.skipped.records}, go on. */
    LOG_AND_SKIP,
    /**
     * Log, count in {@code chainplan.optimizer.dead.letters}, and write the original key and value
     * bytes with {@code chainplan.error.*} headers to the dead-letter topic in the next transaction.
     */
    DEAD_LETTER;

    /**
     * @param key  the config key (for the message)
     * @param text {@code fail}, {@code log-and-skip} or {@code dead-letter} (any case, trimmed)
     * @return the mode
     * @throws IllegalArgumentException naming the key and value otherwise
     */
    public static FailureMode parse(String key, String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "fail" -> FAIL;
            case "log-and-skip" -> LOG_AND_SKIP;
            case "dead-letter" -> DEAD_LETTER;
            default -> throw new IllegalArgumentException(
                    key + " must be fail, log-and-skip or dead-letter, was \"" + text + "\"");
        };
    }

    /** @return the config spelling, e.g. {@code log-and-skip} */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
