package io.chainplan.local.loop;

/**
 * One request of the load: when it arrives (virtual seconds since the start of the run) and its
 * token counts.
 *
 * @param timeSeconds  arrival time, seconds since the start, {@code >= 0}
 * @param inputTokens  prompt tokens, {@code >= 1}
 * @param outputTokens generated tokens, {@code >= 1}
 */
public record Arrival(double timeSeconds, int inputTokens, int outputTokens) {
    /** Validates the fields. */
    public Arrival {
        if (!(timeSeconds >= 0) || Double.isInfinite(timeSeconds)) {
            throw new IllegalArgumentException("timeSeconds must be finite and >= 0, was " + timeSeconds);
        }
        if (inputTokens < 1 || outputTokens < 1) {
            throw new IllegalArgumentException("token counts must be >= 1, were " + inputTokens + ", " + outputTokens);
        }
    }
}
