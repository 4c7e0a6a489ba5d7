package io.chainplan.router.internal;

import java.util.Arrays;

/**
 * A FIFO queue of request tokens (non-negative longs), each stored with the sequence number it was
 * enqueued under, so several queues can be merged back into global FIFO order. A growable ring
 * buffer: O(1) amortised {@code add}/{@code poll}; {@code remove(token)} is O(n) (cancellation is rare).
 * <p>Not thread-safe.
 */
public final class TokenQueue {
    private long[] tokens = new long[16];
    private long[] seqs = new long[16];
    private int head;
    private int size;

    /**
     * Appends a token.
     *
     * @param token the token
     * @param seq   its enqueue sequence number (increasing across all queues of one state)
     */
    public void add(long token, long seq) {
        if (size == tokens.length) {
            grow();
        }
        int tail = (head + size) & (tokens.length - 1);
        tokens[tail] = token;
        seqs[tail] = seq;
        size++;
    }

    /**
     * Removes and returns the head token.
     *
     * @return the head token, or -1 if empty
     */
    public long poll() {
        if (size == 0) {
            return -1;
        }
        long t = tokens[head];
        head = (head + 1) & (tokens.length - 1);
        size--;
        return t;
    }

    /**
     * Sequence number of the head.
     *
     * @return the head's sequence number, or {@link Long#MAX_VALUE} if empty
     */
    public long headSeq() {
        return size == 0 ? Long.MAX_VALUE : seqs[head];
    }

    /**
     * Removes the first occurrence of {@code token}, keeping the order of the others.
     *
     * @param token the token
     * @return true if it was present
     */
    public boolean remove(long token) {
        int mask = tokens.length - 1;
        for (int i = 0; i < size; i++) {
            if (tokens[(head + i) & mask] == token) {
                for (int j = i; j < size - 1; j++) {
                    tokens[(head + j) & mask] = tokens[(head + j + 1) & mask];
                    seqs[(head + j) & mask] = seqs[(head + j + 1) & mask];
                }
                size--;
                return true;
            }
        }
        return false;
    }

    /**
     * Number of queued tokens.
     *
     * @return the size
     */
    public int size() {
        return size;
    }

    /**
     * Whether the queue is empty.
     *
     * @return true if empty
     */
    public boolean isEmpty() {
        return size == 0;
    }

    private void grow() {
        long[] t = new long[tokens.length * 2];
        long[] s = new long[tokens.length * 2];
        for (int i = 0; i < size; i++) {
            t[i] = tokens[(head + i) & (tokens.length - 1)];
            s[i] = seqs[(head + i) & (tokens.length - 1)];
        }
        Arrays.fill(tokens, 0);
        tokens = t;
        seqs = s;
        head = 0;
    }
}
