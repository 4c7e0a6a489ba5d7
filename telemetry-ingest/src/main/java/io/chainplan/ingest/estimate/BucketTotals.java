package io.chainplan.ingest.estimate;

/**
 * What one model's request events added up to in one time bucket.
 *
 * @param arrivals         ARRIVED events
 * @param inputTokenCount  arrivals that reported a prompt length ({@code > 0} tokens)
 * @param inputTokenSum    sum of those prompt lengths
 * @param outputTokenCount COMPLETED events that reported a generated length ({@code > 0} tokens)
 * @param outputTokenSum   sum of those generated lengths
 */
public record BucketTotals(long arrivals, long inputTokenCount, long inputTokenSum,
                           long outputTokenCount, long outputTokenSum) {
    /** Nothing. */
    public static final BucketTotals EMPTY = new BucketTotals(0, 0, 0, 0, 0);

    /** Validates that every field is {@code >= 0}. */
    public BucketTotals {
        if (arrivals < 0 || inputTokenCount < 0 || inputTokenSum < 0 || outputTokenCount < 0 || outputTokenSum < 0) {
            throw new IllegalArgumentException("bucket totals must be >= 0, were " + arrivals + ", " + inputTokenCount
                    + ", " + inputTokenSum + ", " + outputTokenCount + ", " + outputTokenSum);
        }
    }

    /**
     * @param inputTokens prompt tokens of the arrival, {@code 0} if unknown
     * @return these totals plus one arrival
     */
    public BucketTotals withArrival(int inputTokens) {
        requireTokens(inputTokens, "inputTokens");
        return inputTokens > 0
                ? new BucketTotals(arrivals + 1, inputTokenCount + 1, inputTokenSum + inputTokens, outputTokenCount, outputTokenSum)
                : new BucketTotals(arrivals + 1, inputTokenCount, inputTokenSum, outputTokenCount, outputTokenSum);
    }

    /**
     * @param outputTokens generated tokens of the completed request, {@code 0} if unknown
     * @return these totals plus one completion
     */
    public BucketTotals withCompletion(int outputTokens) {
        requireTokens(outputTokens, "outputTokens");
        return outputTokens > 0
                ? new BucketTotals(arrivals, inputTokenCount, inputTokenSum, outputTokenCount + 1, outputTokenSum + outputTokens)
                : this;
    }

    /**
     * @param other more totals
     * @return the field-wise sum
     */
    public BucketTotals plus(BucketTotals other) {
        return new BucketTotals(arrivals + other.arrivals, inputTokenCount + other.inputTokenCount,
                inputTokenSum + other.inputTokenSum, outputTokenCount + other.outputTokenCount,
                outputTokenSum + other.outputTokenSum);
    }

    private static void requireTokens(int tokens, String name) {
        if (tokens < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, was " + tokens);
        }
    }
}
