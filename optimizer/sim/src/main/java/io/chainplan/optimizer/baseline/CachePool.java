package io.chainplan.optimizer.baseline;

/**
 * How large a baseline server's cache pool is (DESIGN.md §1.3). One slot holds one request's cache
 * on one block ({@code s_c} bytes).
 */
public enum CachePool {
    /**
     * Only the cache the placement reserved: PETALS' {@code attn_cache_tokens} (4096 tokens, i.e.
     * 2 slots per hosted block), BPRR's {@code R} slots per hosted block. This is what the real
     * systems allocate: memory left over by rounding stays unused. Default.
     */
    RESERVED,
    /**
     * All memory the weights leave free, {@code floor((M_j - s_m * m_j) / s_c)} slots as in
     * DESIGN.md §1.1: the most generous reading, kept as a sensitivity check.
     */
    ALL_FREE_MEMORY;

    /**
     * Pool slots of a server.
     *
     * @param memoryBytes M_j
     * @param blockBytes s_m
     * @param cacheBytes s_c
     * @param hostedBlocks m_j
     * @param reservedSlotsPerBlock slots per hosted block the placement reserved
     * @return the pool size in slots, capped at {@link Integer#MAX_VALUE}
     */
    public int slots(long memoryBytes, long blockBytes, long cacheBytes, int hostedBlocks, long reservedSlotsPerBlock) {
        long free = memoryBytes - blockBytes * hostedBlocks;
        long all = free <= 0 ? 0 : free / cacheBytes;
        long value = this == RESERVED ? Math.min(all, reservedSlotsPerBlock * hostedBlocks) : all;
        return (int) Math.min(value, Integer.MAX_VALUE);
    }

    /** @return the command-line name, e.g. {@code reserved} */
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
