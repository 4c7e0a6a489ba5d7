package io.chainplan.ingest.estimate;

import java.util.Objects;

/**
 * The burstiness measurement's state for one model, part of {@link DemandState}.
 *
 * @param counts arrivals of the buckets of the current span, oldest first, the newest ending at
 *               the estimator's boundary: every bucket since the last change (of the rate, or of
 *               the span's own level), at most the burstiness history
 * @param clipped the same buckets' counts winsorized as they entered the span's level (each at a
 *                high Poisson quantile of the level before it, as the rate estimator does)
 * @param up     upward CUSUM of the buckets against the span's level (the mean of {@code clipped})
 * @param down   downward CUSUM of the buckets against the span's level
 */
public record BurstinessState(ArrivalCounts counts, ArrivalCounts clipped, DemandState.Cusum up, DemandState.Cusum down) {
    /** An empty span. */
    public static final BurstinessState EMPTY = new BurstinessState(ArrivalCounts.EMPTY, ArrivalCounts.EMPTY,
            DemandState.Cusum.ZERO, DemandState.Cusum.ZERO);

    /** Validates references and that both histories cover the same buckets. */
    public BurstinessState {
        Objects.requireNonNull(counts, "counts");
        Objects.requireNonNull(clipped, "clipped");
        if (counts.size() != clipped.size()) {
            throw new IllegalArgumentException("counts and clipped counts must cover the same buckets, had " + counts.size()
                    + " and " + clipped.size());
        }
        Objects.requireNonNull(up, "up");
        Objects.requireNonNull(down, "down");
    }
}
