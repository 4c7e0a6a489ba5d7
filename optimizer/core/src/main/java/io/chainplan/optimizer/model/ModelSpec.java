package io.chainplan.optimizer.model;

/**
 * A model served with pipeline parallelism (DESIGN.md §1): {@code L} blocks of {@code s_m} bytes
 * of weights each, and {@code s_c} bytes of KV cache per block per request in service.
 *
 * @param id model id
 * @param blocks L, the number of blocks (at least 1)
 * @param blockBytes s_m, weight bytes of one block (at least 1)
 * @param cacheBytesPerBlockPerJob s_c, cache bytes one request holds on one block (at least 1)
 */
public record ModelSpec(String id, int blocks, long blockBytes, long cacheBytesPerBlockPerJob) {
    /** Validates every field. */
    public ModelSpec {
        Checks.nonBlank(id, "id");
        if (blocks < 1) {
            throw new IllegalArgumentException("blocks must be >= 1, was " + blocks);
        }
        if (blockBytes < 1) {
            throw new IllegalArgumentException("blockBytes must be >= 1, was " + blockBytes);
        }
        if (cacheBytesPerBlockPerJob < 1) {
            throw new IllegalArgumentException("cacheBytesPerBlockPerJob must be >= 1, was " + cacheBytesPerBlockPerJob);
        }
    }

    /**
     * Cache slots left on a server that hosts {@code hostedBlocks} blocks (DESIGN.md §1.1):
     * {@code floor((M_j - s_m * blocks_j) / s_c)}, or 0 if the weights alone do not fit.
     *
     * @param memoryBytes M_j
     * @param hostedBlocks blocks_j
     * @return the number of (request, block) cache slots
     */
    public long cacheSlots(long memoryBytes, int hostedBlocks) {
        long free = memoryBytes - blockBytes * hostedBlocks;
        return free <= 0 ? 0 : free / cacheBytesPerBlockPerJob;
    }
}
