package io.chainplan.optimizer.service;

import io.chainplan.schemas.serde.FailureMode;

/**
 * Why the optimizer stopped on a bad input record under {@link FailureMode#FAIL}: names the record
 * ({@code topic-partition@offset}), the stage (deserialize, validate, unknown-model) and the
 * problem. Returned by {@link OptimizerService#failure()}.
 */
public final class InputFailureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final int partition;
    private final long offset;
    private final String stage;

    /**
     * @param topic     the record's topic
     * @param partition its partition
     * @param offset    its offset
     * @param stage     deserialize, validate or unknown-model (as in the dead-letter stage header)
     * @param cause     the problem
     */
    public InputFailureException(String topic, int partition, long offset, String stage, Throwable cause) {
        super("bad record " + topic + "-" + partition + "@" + offset + " (" + stage + "): " + cause.getMessage()
                + "; failure mode is fail", cause);
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.stage = stage;
    }

    /** @return the record's topic */
    public String topic() {
        return topic;
    }

    /** @return the record's partition */
    public int partition() {
        return partition;
    }

    /** @return the record's offset */
    public long offset() {
        return offset;
    }

    /** @return deserialize, validate or unknown-model */
    public String stage() {
        return stage;
    }
}
