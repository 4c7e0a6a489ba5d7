package io.chainplan.local.loop;

import java.util.Objects;

/**
 * The model the simulated fleet serves (DESIGN.md §1): {@code L} blocks of {@code s_m} bytes, {@code s_c}
 * bytes of KV cache per block per request (for a context of {@code contextTokens}), and the typical token
 * lengths the declared timings refer to.
 *
 * @param id                       model id
 * @param blocks                   L, {@code >= 1}
 * @param blockBytes               s_m, bytes, {@code > 0}
 * @param cacheBytesPerBlockPerJob s_c, bytes, {@code > 0}
 * @param contextTokens            the context length s_c is sized for, tokens, {@code >= 1}
 * @param groupedQueryAttention    whether key/value heads are shared between query heads (PETALS then reserves
 *                                 a larger attention cache, {@link #petalsCacheTokens})
 * @param meanInputTokens          typical prompt length, tokens, {@code > 0}
 * @param meanOutputTokens         typical generated length, tokens, {@code >= 1}
 */
public record SimModel(String id, int blocks, long blockBytes, long cacheBytesPerBlockPerJob, int contextTokens,
        boolean groupedQueryAttention, double meanInputTokens, double meanOutputTokens) {

    /** LLaMA-2-7B as in the paper's PETALS deployment (DESIGN.md §1.3): L = 32, s_m = 0.4375 GB, s_c = 0.0336 GB. */
    public static final SimModel LLAMA_2_7B = new SimModel("llama-2-7b", 32, 437_500_000L, 33_600_000L, 2048, false,
            2000, 20);

    /**
     * LLaMA-2-70B in fp16 (Touvron et al. 2023: 80 layers, hidden size 8192, MLP size 28672, grouped-query
     * attention with 8 key/value heads of 128), the paper's request shape (2000 prompt, 20 generated tokens).
     * <ul>
     *   <li>s_m: one block's parameters, attention {@code 2 * 8192^2 + 2 * 8192 * 1024} (Q, O; K, V) plus MLP
     *       {@code 3 * 8192 * 28672} plus two norms {@code 2 * 8192}, = 855,654,400, at 2 bytes each:
     *       1,711,308,800 bytes (1.71 GB; 80 blocks are 137 GB, more than any one GPU holds);</li>
     *   <li>s_c: the KV cache of one request on one block for LLaMA-2's whole 4096-token context,
     *       {@code 2 (K and V) * 8 heads * 128 * 2 bytes * 4096} = 16,777,216 bytes (16.8 MB), reserved for the
     *       whole context as PETALS does.</li>
     * </ul>
     */
    public static final SimModel LLAMA_2_70B = new SimModel("llama-2-70b", 80, 1_711_308_800L, 16_777_216L, 4096,
            true, 2000, 20);

    /**
     * The attention cache a PETALS server reserves per hosted block when started with its defaults
     * ({@code petals.server.server.Server}: {@code attn_cache_tokens} = 16384 for a model with grouped-query
     * attention, else 4096).
     *
     * @return tokens of cache per block
     */
    public int petalsCacheTokens() {
        return groupedQueryAttention ? 16_384 : 4_096;
    }

    /**
     * PETALS' reservation in requests of this model's {@code s_c}: {@link #petalsCacheTokens} over the
     * context {@code s_c} is sized for (LLaMA-2-7B: 4096 / 2048 = 2; LLaMA-2-70B: 16384 / 4096 = 4), at least 1.
     *
     * @return requests' caches reserved per hosted block
     */
    public int petalsReservedRequestsPerBlock() {
        return Math.max(1, petalsCacheTokens() / contextTokens);
    }

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
        if (contextTokens < 1) {
            throw new IllegalArgumentException("contextTokens must be >= 1, was " + contextTokens);
        }
        if (!(meanInputTokens > 0) || !(meanOutputTokens >= 1)) {
            throw new IllegalArgumentException("meanInputTokens must be > 0 and meanOutputTokens >= 1, were "
                    + meanInputTokens + ", " + meanOutputTokens);
        }
    }
}
