package io.chainplan.router.service;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * One owned {@code chainplan.leases} partition seen from its owner: the fence it wrote, and which of its own
 * writes the log has confirmed. A write at offset {@code o} is confirmed once every offset between this
 * owner's fence and {@code o} is known to hold no other owner's fence: then every later owner reads it when
 * it rebuilds (it lies before that owner's fence). An offset is known so either because it holds one of this
 * owner's own acknowledged writes (the usual case: the owner is the partition's only writer, so its writes
 * take consecutive offsets after its fence and each is confirmed as the broker acknowledges it, without
 * waiting for the reader), or because the reader has read past it without meeting another owner's fence (a
 * gap: a write whose acknowledgement was lost, or another writer's record, which may be a fence). A write at
 * or after another owner's fence is refused, and so is every write once the partition is closed.
 * Thread-safe: the producer's callbacks, the reader thread and the expiry timer meet here; futures are
 * completed outside the lock.
 */
final class PartitionTail {
    /** One write the broker acknowledged, waiting for an offset before it to be known. */
    private record Pending(CompletableFuture<Void> done, String modelId, long sentAtNanos) {
    }

    private final int partition;
    private final String owner;
    private final long fenceOffset;
    private final TreeMap<Long, Pending> pending = new TreeMap<>();
    /** Every offset below it is known to hold no other owner's fence. */
    private long knownBelow;
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
        this.knownBelow = fenceOffset + 1;
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
     * The broker acknowledged a write: completes it now if every offset before it is known (its own
     * predecessors, or read by the reader), else once they are.
     *
     * @param offset      its offset
     * @param modelId     its model, for the refusal
     * @param sentAtNanos when it was sent, for the timeout
     * @param done        completed when confirmed, failed if refused
     */
    void acked(long offset, String modelId, long sentAtNanos, CompletableFuture<Void> done) {
        List<CompletableFuture<Void>> confirmed = new ArrayList<>();
        String refused = null;
        synchronized (this) {
            if (offset < knownBelow) {
                confirmed.add(done);
            } else if (closed != null) {
                refused = closed;
            } else {
                pending.put(offset, new Pending(done, modelId, sentAtNanos));
                confirmConsecutive(confirmed);
            }
        }
        if (refused != null) {
            done.completeExceptionally(DispatchFailure.unavailable(modelId, refused));
        }
        confirmed.forEach(f -> f.complete(null));
    }

    /** Under the lock: own writes at the next unknown offsets are known, and confirmed. */
    private void confirmConsecutive(List<CompletableFuture<Void>> confirmed) {
        for (Map.Entry<Long, Pending> next = pending.firstEntry(); next != null && next.getKey() == knownBelow;
                next = pending.firstEntry()) {
            pending.pollFirstEntry();
            confirmed.add(next.getValue().done());
            knownBelow++;
        }
    }

    /**
     * The reader's position: every offset below it is known (the reader reports another owner's fence with
     * {@link #fencedAt} before it moves past it).
     *
     * @param position the next offset the reader will read
     */
    void readTo(long position) {
        List<CompletableFuture<Void>> confirmed = new ArrayList<>();
        synchronized (this) {
            if (closed != null || position <= knownBelow) {
                return;
            }
            knownBelow = position;
            Map<Long, Pending> below = pending.headMap(knownBelow);
            below.values().forEach(p -> confirmed.add(p.done()));
            below.clear();
            confirmConsecutive(confirmed);
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
        close("owner " + by + " took partition " + partition + " of the leases over; not recorded");
    }

    /**
     * Refuses every waiting and later write.
     *
     * @param why the reason the refusals give
     */
    void close(String why) {
        List<Pending> refused;
        synchronized (this) {
            if (closed != null) {
                return;
            }
            closed = why;
            refused = new ArrayList<>(pending.values());
            pending.clear();
        }
        refused.forEach(p -> p.done().completeExceptionally(DispatchFailure.unavailable(p.modelId(), why)));
    }

    /**
     * Refuses the writes not confirmed within a time limit (the log is stuck, e.g. behind
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
