package io.chainplan.ingest.topology;

/**
 * What the topology reports while it runs; the app binds it to Micrometer. Implementations must
 * be thread-safe (every stream thread calls them) and cheap (called per record).
 */
public interface IngestMetrics {
    /** Records nothing. */
    IngestMetrics NOOP = new IngestMetrics() {
    };

    /** {@link #timingFallback} part: the compute coefficients ({@code t_o, t_in, t_out}). */
    String COMPUTE = "compute";
    /** {@link #timingFallback} part: the communication coefficients ({@code c_req, c_tok}). */
    String COMM = "comm";
    /** {@link #timingFallback} reason of a hop left out of a fit: its request reported no token counts (0). */
    String MISSING_TOKENS = "missing-tokens";
    /**
     * {@link #tokenFallback} reason of a completion without a response time: its arrival is unknown, so its tokens
     * count in the bucket of its completion time.
     */
    String NO_RESPONSE_TIME = "no-response-time";

    /**
     * A record was consumed from a source topic (called once it is checked).
     *
     * @param topic       source topic
     * @param eventMillis its event time if the record is valid (for the processing-lag gauge), {@code -1}
     *                    if it is invalid, skipped or has none: a rejected record, however far ahead
     *                    its time, never moves the gauge
     */
    default void recordIn(String topic, long eventMillis) {
    }

    /**
     * A record failed to deserialize or validate.
     *
     * @param topic source topic
     * @param stage {@code deserialize}, {@code validate} or {@code process}
     */
    default void badRecord(String topic, String stage) {
    }

    /**
     * A bad record was written to the dead-letter topic.
     *
     * @param topic source topic
     * @param stage as in {@link #badRecord}
     */
    default void deadLettered(String topic, String stage) {
    }

    /**
     * A dead letter handed to a {@link DeadLetterSink} could not be written (the broker refused it
     * or did not acknowledge it in time): it is lost, beyond the log line.
     *
     * @param topic source topic of the bad record
     * @param stage as in {@link #badRecord}
     */
    default void deadLetterSendFailed(String topic, String stage) {
    }

    /**
     * A valid record was deliberately not used (an unrelated metric, an event older than the
     * horizon).
     *
     * @param topic  source topic
     * @param reason short reason, e.g. {@code unrelated-metric}
     */
    default void skipped(String topic, String reason) {
    }

    /**
     * Per-token timings fell back: a hop was left out of a fit (reason {@link #MISSING_TOKENS}, once
     * per hop and fit), or a server estimate was published with a part not fitted (the reasons of
     * {@code TokenTimingEstimate}: {@code too-few-samples}, {@code negative-coefficients},
     * {@code unidentifiable}, {@code no-declared-timings}; once per publication and part).
     *
     * @param part   {@link #COMPUTE} or {@link #COMM}
     * @param reason why
     */
    default void timingFallback(String part, String reason) {
    }

    /**
     * The demand's token means fell back for one event: a completion without a response time counted at its
     * completion time ({@link #NO_RESPONSE_TIME}), not its request's arrival.
     *
     * @param reason why
     */
    default void tokenFallback(String reason) {
    }

    /**
     * An estimate was published.
     *
     * @param topic output topic
     */
    default void estimateOut(String topic) {
    }
}
