package io.chainplan.optimizer.sim;

import java.util.Arrays;

/**
 * The discrete-event core: a binary min-heap of (time, event id) pairs, event ids being small
 * non-negative ints the caller maps to its events (the {@link Simulator}'s request slots, the
 * closed loop's event pool). O(log n) per push and pop, no allocation once grown. Equal times pop
 * in a deterministic order (a function of the push and pop sequence), so a seeded run repeats exactly.
 * <p>Not thread-safe.
 */
public final class EventHeap {
    private double[] time = new double[1024];
    private int[] event = new int[1024];
    private int size;

    /** @return the number of scheduled events */
    public int size() {
        return size;
    }

    /** @return whether no event is scheduled */
    public boolean isEmpty() {
        return size == 0;
    }

    /** @return the earliest scheduled time, {@link Double#POSITIVE_INFINITY} if none */
    public double minTime() {
        return size == 0 ? Double.POSITIVE_INFINITY : time[0];
    }

    /**
     * Schedules an event.
     *
     * @param t  its time
     * @param id its id, {@code >= 0}
     */
    public void push(double t, int id) {
        if (size == time.length) {
            time = Arrays.copyOf(time, size * 2);
            event = Arrays.copyOf(event, size * 2);
        }
        int p = size++;
        while (p > 0) {
            int parent = (p - 1) >>> 1;
            if (time[parent] <= t) {
                break;
            }
            time[p] = time[parent];
            event[p] = event[parent];
            p = parent;
        }
        time[p] = t;
        event[p] = id;
    }

    /**
     * Removes the earliest event.
     *
     * @return its id
     * @throws IllegalStateException if the heap is empty
     */
    public int pop() {
        if (size == 0) {
            throw new IllegalStateException("no event scheduled");
        }
        int top = event[0];
        size--;
        if (size > 0) {
            siftDown(time[size], event[size]);
        }
        return top;
    }

    private void siftDown(double t, int id) {
        int p = 0;
        int half = size >>> 1;
        while (p < half) {
            int c = 2 * p + 1;
            if (c + 1 < size && time[c + 1] < time[c]) {
                c++;
            }
            if (t <= time[c]) {
                break;
            }
            time[p] = time[c];
            event[p] = event[c];
            p = c;
        }
        time[p] = t;
        event[p] = id;
    }
}
