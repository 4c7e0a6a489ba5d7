package io.chainplan.router.internal;

/**
 * A set of small non-negative integers with O(log_64 n) {@code set}, {@code clear} and
 * {@link #first()} (smallest member): a hierarchy of 64-bit summary words, as in van Emde Boas
 * style bit trees. With 4,096 members it has two levels, with 262,144 three.
 * <p>Not thread-safe.
 */
public final class RankBitSet {
    private final long[][] levels;
    private final int size;

    /**
     * Creates an empty set over {@code [0, size)}.
     *
     * @param size number of possible members, {@code >= 0}
     */
    public RankBitSet(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, was " + size);
        }
        this.size = size;
        int depth = 1;
        for (long n = Math.max(1, size); n > 64; n = (n + 63) / 64) {
            depth++;
        }
        levels = new long[depth][];
        long n = Math.max(1, size);
        for (int l = 0; l < depth; l++) {
            n = (n + 63) / 64;
            levels[l] = new long[(int) n];
        }
    }

    /**
     * Adds {@code i}.
     *
     * @param i member in {@code [0, size)}
     */
    public void set(int i) {
        int idx = i;
        for (long[] level : levels) {
            int word = idx >>> 6;
            long before = level[word];
            level[word] = before | (1L << idx);
            if (before != 0) {
                return;
            }
            idx = word;
        }
    }

    /**
     * Removes {@code i}.
     *
     * @param i member in {@code [0, size)}
     */
    public void clear(int i) {
        int idx = i;
        for (long[] level : levels) {
            int word = idx >>> 6;
            long after = level[word] & ~(1L << idx);
            level[word] = after;
            if (after != 0) {
                return;
            }
            idx = word;
        }
    }

    /**
     * Whether {@code i} is a member.
     *
     * @param i a value in {@code [0, size)}
     * @return true if set
     */
    public boolean get(int i) {
        return (levels[0][i >>> 6] & (1L << i)) != 0;
    }

    /**
     * The smallest member.
     *
     * @return the smallest member, or -1 if the set is empty
     */
    public int first() {
        long top = levels[levels.length - 1][0];
        if (top == 0) {
            return -1;
        }
        int idx = Long.numberOfTrailingZeros(top);
        for (int l = levels.length - 2; l >= 0; l--) {
            idx = (idx << 6) + Long.numberOfTrailingZeros(levels[l][idx]);
        }
        return idx;
    }

    /**
     * Capacity of the set.
     *
     * @return the {@code size} it was created with
     */
    public int size() {
        return size;
    }
}
