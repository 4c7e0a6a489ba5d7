package io.chainplan.optimizer.model;

/**
 * One GPU server (or MIG slice) of a fleet (DESIGN.md §1).
 *
 * @param id server id, unique within a fleet
 * @param memoryBytes M_j, memory usable for blocks and caches (bytes, {@code >= 0})
 * @param commSeconds tau_c[j], communication time of one request to and from the server ({@code >= 0})
 * @param perBlockComputeSeconds tau_p[j], compute time of one block for one request ({@code > 0})
 */
public record Server(String id, long memoryBytes, double commSeconds, double perBlockComputeSeconds) {
    /** Validates every field. */
    public Server {
        Checks.nonBlank(id, "id");
        if (memoryBytes < 0) {
            throw new IllegalArgumentException("memoryBytes of server " + id + " must be >= 0, was " + memoryBytes);
        }
        Checks.nonNegativeFinite(commSeconds, "commSeconds of server " + id);
        Checks.positiveFinite(perBlockComputeSeconds, "perBlockComputeSeconds of server " + id);
    }

    /**
     * Time of one hop on this server that processes {@code blocks} blocks:
     * {@code tau_c[j] + tau_p[j] * blocks} (DESIGN.md §1.1).
     *
     * @param blocks blocks processed on the hop
     * @return seconds
     */
    public double hopSeconds(int blocks) {
        return commSeconds + perBlockComputeSeconds * blocks;
    }
}
