package io.chainplan.schemas.serde;

/**
 * A bad input record met {@link FailureMode#FAIL}: names the record ({@code topic-partition@offset}),
 * the stage (as in the dead-letter stage header: deserialize, validate, unknown-model, ...) and the
 * problem. Thrown by {@link RecordRejection}; the optimizer service returns it from
 * {@code OptimizerService.failure()}.
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
     * @param stage     where it failed, e.g. deserialize, validate or unknown-model
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

    /** @return where it failed, e.g. deserialize, validate or unknown-model */
    public String stage() {
        return stage;
    }
}
