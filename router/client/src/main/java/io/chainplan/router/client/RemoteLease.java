package io.chainplan.router.client;

import java.util.List;
import java.util.Objects;

/**
 * A lease granted by the dispatch service (the body of {@code 201} on acquire and {@code 200} on
 * renew): the right to run one request on one chain of one plan until it is released, or until it
 * expires because it was not renewed within its time to live.
 *
 * @param leaseId         the lease id (release and renew name it)
 * @param modelId         the model
 * @param planEpoch       epoch of the plan the lease was granted on
 * @param chain           index of the chain in that plan
 * @param hops            the chain's hops, in order: where to send the request
 * @param ttlMs           time to live, ms: renew before it runs out (counted from the grant or the last renewal)
 * @param expiresAtMillis when it expires unless renewed, ms since the epoch (the service's clock)
 * @param waitedMs        how long the acquire waited in the central queue, ms (0 on renew)
 */
public record RemoteLease(String leaseId, String modelId, long planEpoch, int chain, List<LeaseHop> hops, long ttlMs,
                          long expiresAtMillis, long waitedMs) {
    /** Validates and copies. */
    public RemoteLease {
        Objects.requireNonNull(leaseId, "leaseId");
        Objects.requireNonNull(modelId, "modelId");
        hops = List.copyOf(Objects.requireNonNull(hops, "hops"));
    }
}
