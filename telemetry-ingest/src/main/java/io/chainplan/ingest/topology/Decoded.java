package io.chainplan.ingest.topology;

/**
 * A consumed value together with its original bytes: either decoded, or the error that stopped
 * decoding. Keeping the bytes lets a later validation failure dead-letter the record exactly as
 * it was consumed (STYLE.md §6).
 *
 * @param raw         the value bytes as consumed (null for a tombstone)
 * @param value       the decoded value, or null if decoding failed or the bytes were null
 * @param eventMillis event time read from the value ({@code -1} if not decoded)
 * @param error       why decoding failed, or null
 * @param <T>         value type
 */
public record Decoded<T>(byte[] raw, T value, long eventMillis, RuntimeException error) {
    /**
     * @param raw         original bytes
     * @param value       decoded value
     * @param eventMillis its event time
     * @param <T>         value type
     * @return a successfully decoded value
     */
    public static <T> Decoded<T> ok(byte[] raw, T value, long eventMillis) {
        return new Decoded<>(raw, value, eventMillis, null);
    }

    /**
     * @param raw   original bytes
     * @param error the decoding failure
     * @param <T>   value type
     * @return a value that failed to decode
     */
    public static <T> Decoded<T> failed(byte[] raw, RuntimeException error) {
        return new Decoded<>(raw, null, -1, error);
    }

    /** @return whether the value decoded */
    public boolean ok() {
        return error == null && value != null;
    }
}
