package io.chainplan.schemas.serde;

import java.util.Locale;

/**
 * What a service does with an input record that fails to deserialize or validate (STYLE.md §6,
 * after Debezium's {@code event.processing.failure.handling.mode}). Each service sets it per input
 * with a {@code *.failure.handling.mode} key and documents there what each mode means for it.
 */
public enum FailureMode {
    /** Stop the service with an error that names the record (topic-partition@offset) and the problem. */
    FAIL,
    /** Log the record's position and the problem once, count it, and go on. */
    LOG_AND_SKIP,
    /**
     * Log, count, and write the original key and value bytes with {@code chainplan.error.*} headers
     * to the dead-letter topic ({@link DeadLetters}).
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
