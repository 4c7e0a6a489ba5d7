package io.chainplan.router.client;

import java.util.Objects;

/**
 * One hop of a leased chain, as the dispatch service sends it: the blocks {@code [startBlock, endBlock)}
 * of the model that server {@code serverId} processes (0-based, half-open, as PETALS writes them).
 *
 * @param serverId   the server
 * @param startBlock first block processed on this hop, inclusive
 * @param endBlock   end of the blocks processed on this hop, exclusive
 */
public record LeaseHop(String serverId, int startBlock, int endBlock) {
    /** Validates. */
    public LeaseHop {
        Objects.requireNonNull(serverId, "serverId");
        if (startBlock < 0 || endBlock <= startBlock) {
            throw new IllegalArgumentException("hop of " + serverId + " must have 0 <= startBlock < endBlock, was ["
                    + startBlock + ", " + endBlock + ")");
        }
    }
}
