package io.chainplan.optimizer.model;

/**
 * One hop of a chain: server {@code serverId} processes blocks {@code [startBlock, endBlock)}
 * (DESIGN.md §1.1: the blocks it hosts that its predecessor did not process).
 *
 * @param serverId server id
 * @param startBlock first processed block, inclusive
 * @param endBlock end of the processed blocks, exclusive; equals the end of the server's range
 */
public record Hop(String serverId, int startBlock, int endBlock) {
    /** Validates the fields. */
    public Hop {
        Checks.nonBlank(serverId, "serverId");
        if (startBlock < 0 || endBlock <= startBlock) {
            throw new IllegalArgumentException("hop on server " + serverId
                    + " must satisfy 0 <= startBlock < endBlock, was [" + startBlock + ", " + endBlock + ")");
        }
    }

    /** @return m_ij, the number of blocks processed on this hop */
    public int blocks() {
        return endBlock - startBlock;
    }

    /** @return the processed blocks as a range */
    public BlockRange range() {
        return new BlockRange(startBlock, endBlock);
    }
}
