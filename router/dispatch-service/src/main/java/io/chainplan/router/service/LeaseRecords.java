package io.chainplan.router.service;

import io.chainplan.optimizer.model.Hop;
import io.chainplan.schemas.avro.DispatchLease;
import io.chainplan.schemas.avro.PlanHop;
import java.time.Instant;

/** Maps {@link LeaseEntry} to and from the Avro {@link DispatchLease} of {@code chainplan.leases}: the service's boundary. */
final class LeaseRecords {
    private LeaseRecords() {
    }

    /**
     * @param e          the lease
     * @param instanceId the instance writing it
     * @return the Avro record
     */
    static DispatchLease toAvro(LeaseEntry e, String instanceId) {
        return DispatchLease.newBuilder().setLeaseId(e.leaseId()).setModelId(e.modelId()).setPlanEpoch(e.planEpoch())
                .setChainIndex(e.chainIndex())
                .setHops(e.hops().stream().map(h -> new PlanHop(h.serverId(), h.startBlock(), h.endBlock())).toList())
                .setGrantedAtMillis(Instant.ofEpochMilli(e.grantedAtMillis()))
                .setExpiresAtMillis(Instant.ofEpochMilli(e.expiresAtMillis())).setInstanceId(instanceId)
                .setRequestId(e.requestId()).build();
    }

    /**
     * @param key the record key
     * @param r   the Avro record
     * @return the lease
     * @throws IllegalArgumentException if the record is malformed or its lease id is not its key
     */
    static LeaseEntry fromAvro(String key, DispatchLease r) {
        if (!r.getLeaseId().equals(key)) {
            throw new IllegalArgumentException("lease id " + r.getLeaseId() + " differs from the record key " + key);
        }
        return new LeaseEntry(r.getLeaseId(), r.getModelId(), r.getPlanEpoch(), r.getChainIndex(),
                r.getHops().stream().map(h -> new Hop(h.getServerId(), h.getStartBlock(), h.getEndBlock())).toList(),
                r.getGrantedAtMillis().toEpochMilli(), r.getExpiresAtMillis().toEpochMilli(), r.getRequestId());
    }
}
