package io.chainplan.optimizer.model;

/**
 * Mean token counts of a model's requests (l_in, l_out of DESIGN.md §1.3): as its spec declares them, as
 * telemetry-ingest measured them on the request stream, or as a plan was solved for. {@link TokenTimings}
 * evaluated at a mix gives a server's {@code tau_c} and {@code tau_p} for it.
 *
 * @param inputTokens  mean prompt tokens l_in, NaN (or 0, an estimate that saw none) if unknown
 * @param outputTokens mean generated tokens l_out, NaN (or 0) if unknown
 */
public record TokenMix(double inputTokens, double outputTokens) {
    /** Nothing declared or measured. */
    public static final TokenMix UNKNOWN = new TokenMix(Double.NaN, Double.NaN);

    /**
     * @return whether both means are usable as a reference request and as a mix to plan for
     *         ({@code l_in >= 1}, {@code l_out >= 2}, finite); an unusable mix is no mix
     */
    public boolean usable() {
        return inputTokens >= 1 && outputTokens >= 2 && Double.isFinite(inputTokens) && Double.isFinite(outputTokens);
    }
}
