package io.chainplan.optimizer.model;

/**
 * A non-empty half-open range of blocks {@code [start, end)}, 0-based as PETALS writes them.
 *
 * @param start first block, inclusive, {@code >= 0}
 * @param end end block, exclusive, {@code > start}
 */
public record BlockRange(int start, int end) {
    /** Validates {@code 0 <= start < end}. */
    public BlockRange {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("block range must satisfy 0 <= start < end, was [" + start + ", " + end + ")");
        }
    }

    /** @return the number of blocks, {@code end - start} */
    public int size() {
        return end - start;
    }

    /**
     * @param other another range
     * @return whether {@code other} lies inside this range
     */
    public boolean contains(BlockRange other) {
        return start <= other.start && other.end <= end;
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }
}
