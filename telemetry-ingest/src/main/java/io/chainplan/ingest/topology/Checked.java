package io.chainplan.ingest.topology;

import java.util.Objects;

/**
 * A source record after decoding and validation: a valid value, or the error with the stage it
 * failed in. The original key and value bytes travel with it for the dead-letter topic.
 *
 * @param rawKey   key bytes as consumed (may be null)
 * @param rawValue value bytes as consumed (may be null)
 * @param value    the valid value, or null
 * @param stage    {@code deserialize} or {@code validate} when invalid, else null
 * @param error    why it is invalid, else null
 * @param <T>      value type
 */
public record Checked<T>(byte[] rawKey, byte[] rawValue, T value, String stage, RuntimeException error) {
    /** Stage name of a deserialization failure. */
    public static final String DESERIALIZE = "deserialize";
    /** Stage name of a validation failure. */
    public static final String VALIDATE = "validate";
    /** Stage name of an unexpected processing failure. */
    public static final String PROCESS = "process";
    /** Skip reason of a bad record logged and skipped instead of dead-lettered (failure mode log-and-skip). */
    public static final String SKIPPED_BAD_RECORD = "bad-record";

    /**
     * @param rawKey   key bytes
     * @param rawValue value bytes
     * @param value    the valid value
     * @param <T>      value type
     * @return a valid record
     */
    public static <T> Checked<T> valid(byte[] rawKey, byte[] rawValue, T value) {
        return new Checked<>(rawKey, rawValue, Objects.requireNonNull(value, "value"), null, null);
    }

    /**
     * @param rawKey   key bytes
     * @param rawValue value bytes
     * @param stage    where it failed
     * @param error    why
     * @param <T>      value type
     * @return an invalid record
     */
    public static <T> Checked<T> invalid(byte[] rawKey, byte[] rawValue, String stage, RuntimeException error) {
        return new Checked<>(rawKey, rawValue, null, Objects.requireNonNull(stage, "stage"), Objects.requireNonNull(error, "error"));
    }

    /** @return whether the record is valid */
    public boolean isValid() {
        return error == null;
    }
}
