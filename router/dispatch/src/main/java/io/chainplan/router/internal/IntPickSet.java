package io.chainplan.router.internal;

import java.util.Arrays;

/**
 * A set of integers in {@code [0, n)} with O(1) add, remove, membership and uniform random pick
 * (dense array plus position index). The member order depends only on the sequence of operations,
 * so picks are deterministic for a seeded generator.
 * <p>Not thread-safe.
 */
public final class IntPickSet {
    private final int[] members;
    private final int[] pos;
    private int size;

    /**
     * Creates an empty set over {@code [0, n)}.
     *
     * @param n number of possible members
     */
    public IntPickSet(int n) {
        members = new int[n];
        pos = new int[n];
        Arrays.fill(pos, -1);
    }

    /**
     * Adds {@code i} if absent.
     *
     * @param i the member
     */
    public void add(int i) {
        if (pos[i] >= 0) {
            return;
        }
        members[size] = i;
        pos[i] = size;
        size++;
    }

    /**
     * Removes {@code i} if present.
     *
     * @param i the member
     */
    public void remove(int i) {
        int p = pos[i];
        if (p < 0) {
            return;
        }
        size--;
        int last = members[size];
        members[p] = last;
        pos[last] = p;
        pos[i] = -1;
    }

    /**
     * Whether {@code i} is a member.
     *
     * @param i the value
     * @return true if present
     */
    public boolean contains(int i) {
        return pos[i] >= 0;
    }

    /**
     * The member at position {@code p} of the dense array (for uniform picks: {@code p = random.nextInt(size())}).
     *
     * @param p position in {@code [0, size())}
     * @return the member
     */
    public int at(int p) {
        return members[p];
    }

    /**
     * Number of members.
     *
     * @return the size
     */
    public int size() {
        return size;
    }
}
