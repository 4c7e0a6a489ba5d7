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

    /**
     * The request as a frontend admits it to a model whose KV cache is sized for {@code contextTokens}
     * (DESIGN.md §1.1, {@code s_c}): at most {@code contextTokens - 1} generated tokens, and the prompt
     * truncated to the rest of the context, as serving stacks truncate long prompts. telemetry-ingest
     * dead-letters a request whose tokens exceed the model's context.
     *
     * @param contextTokens the model's context, {@code >= 2}
     * @return this request if it fits, else the truncated one
     */
    public Arrival fittedTo(int contextTokens) {
        int out = Math.min(outputTokens, contextTokens - 1);
        int in = Math.min(inputTokens, contextTokens - out);
        return in == inputTokens && out == outputTokens ? this : new Arrival(timeSeconds, in, out);
    }
}
