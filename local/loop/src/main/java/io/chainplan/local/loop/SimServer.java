package io.chainplan.local.loop;

import java.util.Objects;

/**
 * A simulated server (GPU or MIG slice) with its true, hidden timing: the token-driven model of
 * DESIGN.md §1.3. One block for one request takes
 * {@code t_o + l_in * prefillSecondsPerToken + (l_out - 1) * decodeSecondsPerToken}
 * (that is {@code t_o + l_in F / f + (l_out - 1) s_m / b}); the network on one hop takes
 * {@code l_out * perTokenRoundTripSeconds} (one round trip per generated token, RTT plus the
 * per-hop overhead).
 *
 * @param id                       server id
 * @param gpuModel                 free-text GPU name, reported in telemetry
 * @param memoryBytes              total GPU memory, bytes
 * @param overheadSeconds          t_o per block per request, seconds
 * @param prefillSecondsPerToken   F / f: compute of one block for one prompt token, seconds
 * @param decodeSecondsPerToken    s_m / b: one block's weight read per generated token, seconds
 * @param perTokenRoundTripSeconds RTT plus per-hop overhead for one generated token, seconds
 */
public record SimServer(String id, String gpuModel, long memoryBytes, double overheadSeconds,
        double prefillSecondsPerToken, double decodeSecondsPerToken, double perTokenRoundTripSeconds) {

    /** Validates the fields. */
    public SimServer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(gpuModel, "gpuModel");
        if (id.isBlank()) {
            throw new IllegalArgumentException("server id must not be blank");
        }
        if (memoryBytes <= 0) {
            throw new IllegalArgumentException("memoryBytes must be > 0, was " + memoryBytes + " for server " + id);
        }
        requireNonNegative(id, "overheadSeconds", overheadSeconds);
        requireNonNegative(id, "prefillSecondsPerToken", prefillSecondsPerToken);
        requireNonNegative(id, "decodeSecondsPerToken", decodeSecondsPerToken);
        requireNonNegative(id, "perTokenRoundTripSeconds", perTokenRoundTripSeconds);
    }

    /**
     * Compute time of one block for one request with these token counts (noise-free).
     *
     * @param inputTokens  prompt tokens
     * @param outputTokens generated tokens, {@code >= 1}
     * @return seconds
     */
    public double blockComputeSeconds(double inputTokens, double outputTokens) {
        return overheadSeconds + inputTokens * prefillSecondsPerToken
                + Math.max(0, outputTokens - 1) * decodeSecondsPerToken;
    }

    /**
     * Network time of one hop for one request (noise-free).
     *
     * @param outputTokens generated tokens
     * @return seconds
     */
    public double hopNetworkSeconds(double outputTokens) {
        return Math.max(1, outputTokens) * perTokenRoundTripSeconds;
    }

    /**
     * tau_p of DESIGN.md §1: mean per-block compute for the model's typical request.
     *
     * @param model the model
     * @return seconds per block per request
     */
    public double tauP(SimModel model) {
        return blockComputeSeconds(model.meanInputTokens(), model.meanOutputTokens());
    }

    /**
     * tau_c of DESIGN.md §1: mean network time per request on a hop to this server.
     *
     * @param model the model
     * @return seconds per request
     */
    public double tauC(SimModel model) {
        return hopNetworkSeconds(model.meanOutputTokens());
    }

    private static void requireNonNegative(String id, String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, was " + v + " for server " + id);
        }
    }
}
