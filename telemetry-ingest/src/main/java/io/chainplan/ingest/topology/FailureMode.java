package io.chainplan.ingest.topology;

import java.util.Locale;

/**
 * What a consumer does with a record that fails to deserialize or validate (STYLE.md §6, after
 * Debezium's {@code event.processing.failure.handling.mode}).
 */
public enum FailureMode {
    /** Stop the application with the error. */
    FAIL,
    /** Log the record's position and reason, count it, and go on. */
    LOG_AND_SKIP,
    /** Log, count, and send the original bytes with error headers to the dead-letter topic. */
    DEAD_LETTER;

    /**
     * @param text {@code fail}, {@code log-and-skip} or {@code dead-letter} (any case)
     * @return the mode
     */
    public static FailureMode parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "fail" -> FAIL;
            case "log-and-skip" -> LOG_AND_SKIP;
            case "dead-letter" -> DEAD_LETTER;
            default -> throw new IllegalArgumentException("failure mode must be fail, log-and-skip or dead-letter, was \"" + text + "\"");
        };
    }

    /** @return the config spelling, e.g. {@code log-and-skip} */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
