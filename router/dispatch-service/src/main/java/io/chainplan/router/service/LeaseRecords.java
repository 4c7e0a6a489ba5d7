package io.chainplan.router.service;

import io.chainplan.optimizer.model.Hop;
import io.chainplan.schemas.avro.DispatchLease;
import io.chainplan.schemas.avro.LeaseRecordKind;
import io.chainplan.schemas.avro.PlanHop;
import java.time.Instant;
import java.util.List;

/** Maps {@link LeaseEntry} to and from the Avro {@link DispatchLease} of {@code chainplan.leases}: the service's boundary. */
final class LeaseRecords {
    private LeaseRecords() {
    }

    /**
     * @param e          the lease
     * @param instanceId the instance writing it
     * @return the Avro record of a HELD lease, of no owner (as written before fencing by the log)
     */
    static DispatchLease toAvro(LeaseEntry e, String instanceId) {
        return toAvro(e, instanceId, null, LeaseRecordKind.HELD);
    }

    /**
     * @param e          the lease
     * @param instanceId the instance writing it
     * @param owner      the owner writing it (its fence)
     * @param kind       HELD or EXPIRED
     * @return the Avro record
     */
    static DispatchLease toAvro(LeaseEntry e, String instanceId, String owner, LeaseRecordKind kind) {
        return DispatchLease.newBuilder().setOwner(owner).setKind(kind).setLeaseId(e.leaseId()).setModelId(e.modelId()).setPlanEpoch(e.planEpoch())
                .setChainIndex(e.chainIndex())
                .setHops(e.hops().stream().map(h -> new PlanHop(h.serverId(), h.startBlock(), h.endBlock())).toList())
                .setGrantedAtMillis(Instant.ofEpochMilli(e.grantedAtMillis()))
                .setExpiresAtMillis(Instant.ofEpochMilli(e.expiresAtMillis())).setInstanceId(instanceId)
                .setRequestId(e.requestId()).build();
    }

    /**
     * @param owner      the new owner of a partition
     * @param instanceId the instance it is
     * @param nowMillis  the time, ms since the epoch
     * @return its FENCE record (key {@link LeaseRebuild#fenceKey})
     */
    static DispatchLease fence(String owner, String instanceId, long nowMillis) {
        Instant now = Instant.ofEpochMilli(nowMillis);
        return DispatchLease.newBuilder().setLeaseId(LeaseRebuild.fenceKey(owner)).setModelId("").setPlanEpoch(0)
                .setChainIndex(0).setHops(List.of()).setGrantedAtMillis(now).setExpiresAtMillis(now)
                .setInstanceId(instanceId).setOwner(owner).setKind(LeaseRecordKind.FENCE).build();
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
