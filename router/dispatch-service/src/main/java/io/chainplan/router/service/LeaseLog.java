package io.chainplan.router.service;

import java.util.concurrent.CompletableFuture;

/** Where a model's lease changes are recorded durably before they are answered ({@code chainplan.leases}). */
interface LeaseLog {
    /** What a change records. */
    enum Change {
        /** A grant or renewal: the lease is live until its expiry. */
        HELD,
        /** The client released the lease (a tombstone). */
        RELEASED,
        /** The lease's time to live ran out (an EXPIRED record, then a tombstone). */
        EXPIRED
    }

    /**
     * Records a lease change.
     *
     * @param modelId the model (chooses the partition)
     * @param leaseId the lease id (the key)
     * @param lease   the lease (its new expiry for {@link Change#HELD})
     * @param change  what happened to it
     * @return completes once the record is durable and this instance still owns the partition at its offset;
     *         fails with a {@link DispatchFailure} if it is not
     */
    CompletableFuture<Void> write(String modelId, String leaseId, LeaseEntry lease, Change change);
}
