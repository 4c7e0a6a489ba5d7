package io.chainplan.ingest.estimate;

/**
 * Mean token counts of a model's requests, as its spec declares them.
 *
 * @param inputTokens  mean prompt tokens l_in, NaN if unknown
 * @param outputTokens mean generated tokens l_out, NaN if unknown
 */
public record TokenMix(double inputTokens, double outputTokens) {
    /** Nothing declared. */
    public static final TokenMix UNKNOWN = new TokenMix(Double.NaN, Double.NaN);

    /** @return whether both means are usable as a reference request ({@code l_in >= 1}, {@code l_out >= 2}, finite) */
    public boolean usable() {
        return inputTokens >= 1 && outputTokens >= 2 && Double.isFinite(inputTokens) && Double.isFinite(outputTokens);
    }
}
