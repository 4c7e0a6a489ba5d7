package io.chainplan.router.service;

import java.util.concurrent.CompletableFuture;

/** Where a model's lease changes are recorded durably before they are answered ({@code chainplan.leases}). */
interface LeaseLog {
    /**
     * Records a grant or renewal ({@code lease} not null) or a release or expiry (a tombstone).
     *
     * @param modelId the model (chooses the partition)
     * @param leaseId the lease id (the key)
     * @param lease   the lease, or null for a tombstone
     * @return completes once the record is committed; fails with a {@link DispatchFailure} if it was not
     */
    CompletableFuture<Void> write(String modelId, String leaseId, LeaseEntry lease);
}
