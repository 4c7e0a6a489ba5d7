package io.chainplan.router.service;

import io.chainplan.optimizer.model.Hop;
import io.chainplan.router.client.LeaseHop;
import io.chainplan.router.client.RemoteLease;
import java.util.List;
import java.util.Objects;

/**
 * A live lease as the service records it on {@code chainplan.leases} (the domain side of the Avro
 * {@code DispatchLease}): who may run one request on which chain of which plan, until when.
 *
 * @param leaseId         the lease id (record key)
 * @param modelId         the model
 * @param planEpoch       epoch of the plan it was granted on
 * @param chainIndex      the chain's index in that plan
 * @param hops            the chain's hops
 * @param grantedAtMillis grant time, ms since the epoch
 * @param expiresAtMillis expiry unless renewed, ms since the epoch
 * @param requestId       the client's id of the acquire that got it, or null
 */
record LeaseEntry(String leaseId, String modelId, long planEpoch, int chainIndex, List<Hop> hops, long grantedAtMillis,
                  long expiresAtMillis, String requestId) {
    LeaseEntry {
        Objects.requireNonNull(leaseId, "leaseId");
        Objects.requireNonNull(modelId, "modelId");
        hops = List.copyOf(hops);
        if (chainIndex < 0) {
            throw new IllegalArgumentException("chainIndex must be >= 0, was " + chainIndex);
        }
    }

    /** @return this lease expiring at {@code millis} instead */
    LeaseEntry expiringAt(long millis) {
        return new LeaseEntry(leaseId, modelId, planEpoch, chainIndex, hops, grantedAtMillis, millis, requestId);
    }

    /**
     * @param ttlMs    the lease time to live
     * @param waitedMs how long the acquire waited
     * @return the JSON body the client gets
     */
    RemoteLease toRemote(long ttlMs, long waitedMs) {
        return new RemoteLease(leaseId, modelId, planEpoch, chainIndex,
                hops.stream().map(h -> new LeaseHop(h.serverId(), h.startBlock(), h.endBlock())).toList(), ttlMs,
                expiresAtMillis, waitedMs);
    }
}
