package io.chainplan.router.internal;

import java.util.Arrays;

/**
 * An indexed binary min-heap of chain indices keyed by {@code (key, rank)}: a double key set by the
 * policy and the chain's rank (position in fastest-first order) as the tie-break, so the result is
 * deterministic. O(log K) {@code update}/{@code remove}, O(1) {@link #peek()}.
 * <p>Not thread-safe.
 */
public final class ChainHeap {
    private final int[] heap;
    private final int[] pos;
    private final double[] key;
    private final int[] rank;
    private int size;

    /**
     * Creates an empty heap over chains {@code [0, ranks.length)}.
     *
     * @param ranks {@code ranks[k]} is the rank of chain {@code k} (distinct values)
     */
    public ChainHeap(int[] ranks) {
        int n = ranks.length;
        heap = new int[n];
        pos = new int[n];
        key = new double[n];
        rank = ranks.clone();
        Arrays.fill(pos, -1);
    }

    /**
     * Inserts chain {@code k} or changes its key.
     *
     * @param k        the chain
     * @param newKey   its key
     */
    public void update(int k, double newKey) {
        int p = pos[k];
        if (p < 0) {
            key[k] = newKey;
            heap[size] = k;
            pos[k] = size;
            size++;
            siftUp(size - 1);
            return;
        }
        double old = key[k];
        key[k] = newKey;
        if (newKey < old) {
            siftUp(p);
        } else if (newKey > old) {
            siftDown(p);
        }
    }

    /**
     * Removes chain {@code k} if present.
     *
     * @param k the chain
     */
    public void remove(int k) {
        int p = pos[k];
        if (p < 0) {
            return;
        }
        size--;
        pos[k] = -1;
        if (p == size) {
            return;
        }
        int last = heap[size];
        heap[p] = last;
        pos[last] = p;
        siftUp(p);
        siftDown(pos[last]);
    }

    /**
     * Whether chain {@code k} is in the heap.
     *
     * @param k the chain
     * @return true if present
     */
    public boolean contains(int k) {
        return pos[k] >= 0;
    }

    /**
     * The chain with the smallest {@code (key, rank)}.
     *
     * @return the chain, or -1 if empty
     */
    public int peek() {
        return size == 0 ? -1 : heap[0];
    }

    /**
     * Number of chains in the heap.
     *
     * @return the size
     */
    public int size() {
        return size;
    }

    private boolean less(int a, int b) {
        return key[a] < key[b] || (key[a] == key[b] && rank[a] < rank[b]);
    }

    private void siftUp(int p) {
        int k = heap[p];
        while (p > 0) {
            int parent = (p - 1) >>> 1;
            int pk = heap[parent];
            if (!less(k, pk)) {
                break;
            }
            heap[p] = pk;
            pos[pk] = p;
            p = parent;
        }
        heap[p] = k;
        pos[k] = p;
    }

    private void siftDown(int p) {
        int k = heap[p];
        while (true) {
            int c = 2 * p + 1;
            if (c >= size) {
                break;
            }
            if (c + 1 < size && less(heap[c + 1], heap[c])) {
                c++;
            }
            if (!less(heap[c], k)) {
                break;
            }
            heap[p] = heap[c];
            pos[heap[p]] = p;
            p = c;
        }
        heap[p] = k;
        pos[k] = p;
    }
}
