package io.chainplan.local.loop;

import java.util.Objects;

/**
 * The model the simulated fleet serves (DESIGN.md §1): {@code L} blocks of {@code s_m} bytes, {@code s_c}
 * bytes of KV cache per block per request, and the typical token lengths the declared timings refer to.
 *
 * @param id                       model id
 * @param blocks                   L, {@code >= 1}
 * @param blockBytes               s_m, bytes, {@code > 0}
 * @param cacheBytesPerBlockPerJob s_c, bytes, {@code > 0}
 * @param meanInputTokens          typical prompt length, tokens, {@code > 0}
 * @param meanOutputTokens         typical generated length, tokens, {@code >= 1}
 */
public record SimModel(String id, int blocks, long blockBytes, long cacheBytesPerBlockPerJob,
        double meanInputTokens, double meanOutputTokens) {

    /** LLaMA-2-7B as in the paper's PETALS deployment (DESIGN.md §1.3): L = 32, s_m = 0.4375 GB, s_c = 0.0336 GB. */
    public static final SimModel LLAMA_2_7B = new SimModel("llama-2-7b", 32, 437_500_000L, 33_600_000L, 2000, 20);

    /** Validates the fields. */
    public SimModel {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("model id must not be blank");
        }
        if (blocks < 1) {
            throw new IllegalArgumentException("blocks must be >= 1, was " + blocks);
        }
        if (blockBytes <= 0 || cacheBytesPerBlockPerJob <= 0) {
            throw new IllegalArgumentException("blockBytes and cacheBytesPerBlockPerJob must be > 0, were "
                    + blockBytes + ", " + cacheBytesPerBlockPerJob);
        }
        if (!(meanInputTokens > 0) || !(meanOutputTokens >= 1)) {
            throw new IllegalArgumentException("meanInputTokens must be > 0 and meanOutputTokens >= 1, were "
                    + meanInputTokens + ", " + meanOutputTokens);
        }
    }
}
