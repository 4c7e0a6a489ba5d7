package io.chainplan.router.dispatch;

import java.util.Objects;

/**
 * One hop of a routing chain: the server and the half-open block range {@code [startBlock, endBlock)}
 * it processes for requests on this chain (DESIGN.md §1.1: a block is processed by the first server
 * of the chain that hosts it, so consecutive hops of a chain have adjacent ranges).
 *
 * @param serverId   the server's id
 * @param startBlock first block processed on this hop (inclusive, 0-based)
 * @param endBlock   block after the last one processed on this hop (exclusive)
 */
public record RoutingHop(String serverId, int startBlock, int endBlock) {
    /** Validates the hop. */
    public RoutingHop {
        Objects.requireNonNull(serverId, "serverId");
        if (serverId.isBlank()) {
            throw new IllegalArgumentException("serverId must not be blank");
        }
        if (startBlock < 0) {
            throw new IllegalArgumentException("startBlock must be >= 0, was " + startBlock);
        }
        if (endBlock <= startBlock) {
            throw new IllegalArgumentException(
                    "endBlock must be > startBlock (" + startBlock + "), was " + endBlock + " for server " + serverId);
        }
    }

    /**
     * Number of blocks processed on this hop ({@code m_ij} in DESIGN.md §1.1).
     *
     * @return {@code endBlock - startBlock}
     */
    public int blocks() {
        return endBlock - startBlock;
    }
}
