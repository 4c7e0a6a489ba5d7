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
 * @param history  arrivals of every closed bucket, the span's restarts notwithstanding, at most the
 *                 burstiness history, oldest first, the newest ending at the estimator's boundary
 * @param restarts per bucket of {@code history}, 1 if the span restarted at it (a change of the level
 *                 was detected there), else 0
 */
public record BurstinessState(ArrivalCounts counts, ArrivalCounts clipped, DemandState.Cusum up, DemandState.Cusum down,
        ArrivalCounts history, ArrivalCounts restarts) {
    /** An empty span and history. */
    public static final BurstinessState EMPTY = new BurstinessState(ArrivalCounts.EMPTY, ArrivalCounts.EMPTY,
            DemandState.Cusum.ZERO, DemandState.Cusum.ZERO, ArrivalCounts.EMPTY, ArrivalCounts.EMPTY);

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
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(restarts, "restarts");
        if (history.size() != restarts.size()) {
            throw new IllegalArgumentException("history and restarts must cover the same buckets, had " + history.size()
                    + " and " + restarts.size());
        }
    }

    /**
     * A span that is all the history known (no restart recorded), as a state written before the history
     * was kept is read.
     *
     * @param counts  the span's arrivals
     * @param clipped their winsorized counts
     * @param up      upward CUSUM
     * @param down    downward CUSUM
     */
    public BurstinessState(ArrivalCounts counts, ArrivalCounts clipped, DemandState.Cusum up, DemandState.Cusum down) {
        this(counts, clipped, up, down, counts, ArrivalCounts.of(new long[counts.size()]));
    }

    /** @return how many restarts of the span the history holds */
    public int restartCount() {
        int n = 0;
        for (int i = 0; i < restarts.size(); i++) {
            n += (int) restarts.get(i);
        }
        return n;
    }
}
