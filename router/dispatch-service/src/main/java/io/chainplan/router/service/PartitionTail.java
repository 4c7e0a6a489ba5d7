package io.chainplan.router.service;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * One owned {@code chainplan.leases} partition seen from its owner: the fence it wrote, and which of its own
 * writes the log has confirmed. A write at offset {@code o} is confirmed once the reader has read past
 * {@code o} without meeting another owner's fence after this owner's own: then every later owner reads it
 * when it rebuilds (it lies before that owner's fence). A write at or after another owner's fence is
 * refused, and so is every write once the partition is closed. Thread-safe: the producer's callbacks,
 * the reader thread and the expiry timer meet here.
 */
final class PartitionTail {
    /** One write the broker acknowledged, waiting for the reader. */
    private record Pending(CompletableFuture<Void> done, String modelId, long sentAtNanos) {
    }

    private final int partition;
    private final String owner;
    private final long fenceOffset;
    private final TreeMap<Long, Pending> pending = new TreeMap<>();
    private long readTo;
    private long fencedAt = -1;
    private String closed;

    /**
     * @param partition   the partition
     * @param owner       this ownership's id (the fence's)
     * @param fenceOffset the offset of its fence record
     */
    PartitionTail(int partition, String owner, long fenceOffset) {
        this.partition = partition;
        this.owner = owner;
        this.fenceOffset = fenceOffset;
        this.readTo = fenceOffset;
    }

    int partition() {
        return partition;
    }

    String owner() {
        return owner;
    }

    long fenceOffset() {
        return fenceOffset;
    }

    /**
     * The broker acknowledged a write: completes it now if the reader is past it, else when it is.
     *
     * @param offset      its offset
     * @param modelId     its model, for the refusal
     * @param sentAtNanos when it was sent, for the timeout
     * @param done        completed when confirmed, failed if refused
     */
    synchronized void acked(long offset, String modelId, long sentAtNanos, CompletableFuture<Void> done) {
        if (offset < readTo) {
            done.complete(null);
        } else if (closed != null) {
            done.completeExceptionally(DispatchFailure.unavailable(modelId, closed));
        } else {
            pending.put(offset, new Pending(done, modelId, sentAtNanos));
        }
    }

    /**
     * The reader's position: every write below it is confirmed, unless another owner's fence lies before it.
     *
     * @param position the next offset the reader will read
     */
    void readTo(long position) {
        List<CompletableFuture<Void>> confirmed = new ArrayList<>();
        synchronized (this) {
            if (closed != null || position <= readTo) {
                return;
            }
            readTo = fencedAt >= 0 ? Math.min(position, fencedAt) : position;
            Map<Long, Pending> below = pending.headMap(readTo);
            below.values().forEach(p -> confirmed.add(p.done()));
            below.clear();
        }
        confirmed.forEach(f -> f.complete(null));
    }

    /**
     * The reader met another owner's fence after this owner's: writes before it are confirmed, the others
     * and every later one refused.
     *
     * @param offset the fence's offset
     * @param by     the owner that wrote it
     */
    void fencedAt(long offset, String by) {
        readTo(offset);
        close(offset, "owner " + by + " took partition " + partition + " of the leases over; not recorded");
    }

    /**
     * Refuses every waiting and later write.
     *
     * @param why the reason the refusals give
     */
    void close(String why) {
        close(-1, why);
    }

    private void close(long fence, String why) {
        List<Pending> refused;
        synchronized (this) {
            if (closed != null) {
                return;
            }
            closed = why;
            if (fence >= 0) {
                fencedAt = fence;
            }
            refused = new ArrayList<>(pending.values());
            pending.clear();
        }
        refused.forEach(p -> p.done().completeExceptionally(DispatchFailure.unavailable(p.modelId(), why)));
    }

    /**
     * Refuses the writes the reader has not confirmed within a time limit (the log is stuck, e.g. behind
     * another writer's open transaction): they may be in the log, where they count as held at worst.
     *
     * @param sentBeforeNanos writes sent before this {@code System.nanoTime()} are refused
     * @return how many were refused
     */
    int expireSentBefore(long sentBeforeNanos) {
        List<Pending> late = new ArrayList<>();
        synchronized (this) {
            for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (p.sentAtNanos() - sentBeforeNanos < 0) {
                    late.add(p);
                    it.remove();
                }
            }
        }
        late.forEach(p -> p.done().completeExceptionally(DispatchFailure.unavailable(p.modelId(),
                "the lease log did not confirm the change in time (it may be in the log, where it counts as held at worst); this instance did not apply it")));
        return late.size();
    }
}
