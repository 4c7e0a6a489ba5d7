package io.chainplan.ingest.estimate;

/**
 * What one model's request events added up to in one time bucket. Arrivals count in the bucket of their event
 * time; a completion counts in the bucket of its request's <i>arrival</i> (its event time minus its response time,
 * {@link TokenMeans}), so a bucket's token counts are those of the requests that arrived in it.
 *
 * @param arrivals         ARRIVED events
 * @param inputTokenCount  arrivals that reported a prompt length ({@code > 0} tokens)
 * @param inputTokenSum    sum of those prompt lengths
 * @param completions      COMPLETED events of requests that arrived in the bucket, with or without a generated
 *                         length (a bucket whose completions reach its arrivals holds every request's length)
 * @param outputTokenCount those completions that reported a generated length ({@code > 0} tokens)
 * @param outputTokenSum   sum of those generated lengths
 */
public record BucketTotals(long arrivals, long inputTokenCount, long inputTokenSum, long completions,
                           long outputTokenCount, long outputTokenSum) {
    /** Nothing. */
    public static final BucketTotals EMPTY = new BucketTotals(0, 0, 0, 0, 0, 0);

    /** Validates that every field is {@code >= 0} and that no more completions report a length than completed. */
    public BucketTotals {
        if (arrivals < 0 || inputTokenCount < 0 || inputTokenSum < 0 || completions < 0 || outputTokenCount < 0
                || outputTokenSum < 0) {
            throw new IllegalArgumentException("bucket totals must be >= 0, were " + arrivals + ", " + inputTokenCount
                    + ", " + inputTokenSum + ", " + completions + ", " + outputTokenCount + ", " + outputTokenSum);
        }
        if (outputTokenCount > completions) {
            throw new IllegalArgumentException("outputTokenCount " + outputTokenCount + " exceeds completions " + completions);
        }
    }

    /**
     * @param arrivals ARRIVED events and nothing else
     * @return totals of that many arrivals without token counts
     */
    public static BucketTotals ofArrivals(long arrivals) {
        return new BucketTotals(arrivals, 0, 0, 0, 0, 0);
    }

    /**
     * @param inputTokens prompt tokens of the arrival, {@code 0} if unknown
     * @return these totals plus one arrival
     */
    public BucketTotals withArrival(int inputTokens) {
        requireTokens(inputTokens, "inputTokens");
        return inputTokens > 0
                ? new BucketTotals(arrivals + 1, inputTokenCount + 1, inputTokenSum + inputTokens, completions,
                        outputTokenCount, outputTokenSum)
                : new BucketTotals(arrivals + 1, inputTokenCount, inputTokenSum, completions, outputTokenCount, outputTokenSum);
    }

    /**
     * @param outputTokens generated tokens of the completed request, {@code 0} if unknown
     * @return these totals plus one completion
     */
    public BucketTotals withCompletion(int outputTokens) {
        requireTokens(outputTokens, "outputTokens");
        return outputTokens > 0
                ? new BucketTotals(arrivals, inputTokenCount, inputTokenSum, completions + 1, outputTokenCount + 1,
                        outputTokenSum + outputTokens)
                : new BucketTotals(arrivals, inputTokenCount, inputTokenSum, completions + 1, outputTokenCount, outputTokenSum);
    }

    /**
     * @param other more totals
     * @return the field-wise sum
     */
    public BucketTotals plus(BucketTotals other) {
        return new BucketTotals(arrivals + other.arrivals, inputTokenCount + other.inputTokenCount,
                inputTokenSum + other.inputTokenSum, completions + other.completions,
                outputTokenCount + other.outputTokenCount, outputTokenSum + other.outputTokenSum);
    }

    /** @return whether every request that arrived in the bucket has completed: its completions reach its arrivals */
    public boolean allCompleted() {
        return completions >= arrivals;
    }

    private static void requireTokens(int tokens, String name) {
        if (tokens < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, was " + tokens);
        }
    }
}
