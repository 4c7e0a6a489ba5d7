package io.chainplan.optimizer.sim;

import java.util.Objects;

/**
 * One hop of a simulated route, with the server's timing parameters for token-driven service.
 *
 * @param serverId               the server
 * @param blocks                 blocks processed on the hop ({@code m_ij}, DESIGN.md §1.1), {@code >= 1}
 * @param commSeconds            {@code tau_c[j]} of the server for a reference request, {@code >= 0}
 * @param perBlockComputeSeconds {@code tau_p[j]} of the server for a reference request, {@code > 0}
 */
public record SimHop(String serverId, int blocks, double commSeconds, double perBlockComputeSeconds) {
    /** Validates the hop. */
    public SimHop {
        Objects.requireNonNull(serverId, "serverId");
        if (blocks < 1) {
            throw new IllegalArgumentException("blocks must be >= 1, was " + blocks + " on server " + serverId);
        }
        if (!(commSeconds >= 0) || Double.isInfinite(commSeconds)) {
            throw new IllegalArgumentException("commSeconds must be finite and >= 0, was " + commSeconds);
        }
        if (!(perBlockComputeSeconds > 0) || Double.isInfinite(perBlockComputeSeconds)) {
            throw new IllegalArgumentException("perBlockComputeSeconds must be finite and > 0, was " + perBlockComputeSeconds);
        }
    }

    /**
     * Hop time for a reference request: {@code tau_c + tau_p * m} (DESIGN.md §1.1).
     *
     * @return seconds
     */
    public double seconds() {
        return commSeconds + perBlockComputeSeconds * blocks;
    }
}
