package io.chainplan.ingest.topology;

import io.chainplan.schemas.serde.FailureMode;
import org.apache.kafka.streams.errors.StreamsException;

/**
 * Thrown for a bad record in {@code fail} mode ({@link FailureMode#FAIL}): the processing-exception
 * handler lets it through and the application stops.
 */
public final class BadRecordFailure extends StreamsException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message where and why
     * @param cause   the record's error
     */
    public BadRecordFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
