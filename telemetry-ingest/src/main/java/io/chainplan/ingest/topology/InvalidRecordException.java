package io.chainplan.ingest.topology;

/**
 * A record decoded but breaks a rule (negative timing, unknown model, timestamp far in the
 * future, ...). Carried to the dead-letter topic as the error; never thrown across the topology.
 */
public final class InvalidRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param reason what rule the record breaks, naming the field and value
     */
    public InvalidRecordException(String reason) {
        super(reason, null, false, false);
    }
}
