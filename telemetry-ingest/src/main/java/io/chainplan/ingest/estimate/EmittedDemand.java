package io.chainplan.ingest.estimate;

/**
 * What was last published for a model, to decide whether a new estimate is worth publishing.
 *
 * @param atMillis         boundary of the published estimate, {@link Long#MIN_VALUE} if none
 * @param ratePerSecond    its rate
 * @param meanInputTokens  its mean prompt length
 * @param meanOutputTokens its mean generated length
 */
public record EmittedDemand(long atMillis, double ratePerSecond, double meanInputTokens, double meanOutputTokens) {
    /** Nothing published yet. */
    public static final EmittedDemand NONE = new EmittedDemand(Long.MIN_VALUE, 0, 0, 0);

    /**
     * @param e a published estimate
     * @return its summary
     */
    public static EmittedDemand of(DemandEstimateValue e) {
        return new EmittedDemand(e.atMillis(), e.ratePerSecond(), e.meanInputTokens(), e.meanOutputTokens());
    }

    /** @return whether anything was published */
    public boolean exists() {
        return atMillis != Long.MIN_VALUE;
    }
}
