package io.chainplan.local.loop;

import io.chainplan.optimizer.model.TokenTimings;
import java.util.Objects;

/**
 * A simulated server (GPU or MIG slice) with its true, hidden timing: the per-token cost model of
 * DESIGN.md §1.3 ({@link TokenTimings}). One block for one request takes
 * {@code t_o + l_in * t_in + (l_out - 1) * t_out} (that is {@code t_o + l_in F / f + (l_out - 1) s_m / b});
 * the network on one hop takes one round trip per generated token (RTT plus the per-hop overhead).
 *
 * @param id          server id
 * @param gpuModel    free-text GPU name, reported in telemetry
 * @param memoryBytes total GPU memory, bytes
 * @param timings     the true per-token coefficients
 */
public record SimServer(String id, String gpuModel, long memoryBytes, TokenTimings timings) {

    /** Validates the fields. */
    public SimServer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(gpuModel, "gpuModel");
        Objects.requireNonNull(timings, "timings");
        if (id.isBlank()) {
            throw new IllegalArgumentException("server id must not be blank");
        }
        if (memoryBytes <= 0) {
            throw new IllegalArgumentException("memoryBytes must be > 0, was " + memoryBytes + " for server " + id);
        }
    }

    /**
     * tau_p of DESIGN.md §1: mean per-block compute for the model's typical request.
     *
     * @param model the model
     * @return seconds per block per request
     */
    public double tauP(SimModel model) {
        return timings.perBlockSeconds(model.meanInputTokens(), model.meanOutputTokens());
    }

    /**
     * tau_c of DESIGN.md §1: mean network time per request on a hop to this server.
     *
     * @param model the model
     * @return seconds per request
     */
    public double tauC(SimModel model) {
        return timings.commSeconds(model.meanOutputTokens());
    }
}
