package io.chainplan.optimizer.baseline;

import java.util.Arrays;

/**
 * Cheapest chain over a placement (DESIGN.md §1.1 hops: server {@code j} may follow {@code i} iff
 * {@code start_j <= end_i < end_j}) under a state-dependent hop cost: a DP over block boundaries,
 * {@code best[p] = min over servers j ending at p and boundaries q in [start_j, p) of best[q] + cost(j, p - q)},
 * where a boundary {@code q > 0} is reachable only if some server ends there.
 * <p>O(J L) per path. Ties: the smallest server index, then the smallest {@code q}. Not thread-safe
 * (reuses its arrays).
 */
final class CheapestPath {
    /** Cost of a hop into a server processing some blocks. */
    interface Cost {
        /**
         * @param server server index
         * @param blocks blocks processed
         * @return cost, {@code +infinity} if unusable
         */
        double of(int server, int blocks);
    }

    private final int blocks;
    private final int[] start;
    private final int[] end;
    private final int[][] endingAt;
    private final double[] best;
    private final int[] viaServer;
    private final int[] fromBoundary;

    /**
     * @param blocks L
     * @param start range starts per server
     * @param end range ends per server
     */
    CheapestPath(int blocks, int[] start, int[] end) {
        this.blocks = blocks;
        this.start = start.clone();
        this.end = end.clone();
        int[] count = new int[blocks + 1];
        for (int e : end) {
            count[e]++;
        }
        endingAt = new int[blocks + 1][];
        for (int p = 0; p <= blocks; p++) {
            endingAt[p] = new int[count[p]];
        }
        int[] fill = new int[blocks + 1];
        for (int j = 0; j < end.length; j++) {
            endingAt[end[j]][fill[end[j]]++] = j;
        }
        best = new double[blocks + 1];
        viaServer = new int[blocks + 1];
        fromBoundary = new int[blocks + 1];
    }

    /**
     * Finds the cheapest chain.
     *
     * @param cost the hop cost
     * @return hops as pairs {@code {server, blocksProcessed}} in order, or {@code null} if no chain has finite cost
     */
    int[][] find(Cost cost) {
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        best[0] = 0;
        for (int p = 1; p <= blocks; p++) {
            for (int j : endingAt[p]) {
                for (int q = start[j]; q < p; q++) {
                    if (best[q] == Double.POSITIVE_INFINITY) {
                        continue;
                    }
                    double c = best[q] + cost.of(j, p - q);
                    if (c < best[p]) {
                        best[p] = c;
                        viaServer[p] = j;
                        fromBoundary[p] = q;
                    }
                }
            }
        }
        return best[blocks] == Double.POSITIVE_INFINITY ? null : unwind();
    }

    private int[][] unwind() {
        int n = 0;
        for (int p = blocks; p > 0; p = fromBoundary[p]) {
            n++;
        }
        int[][] hops = new int[n][];
        int i = n - 1;
        for (int p = blocks; p > 0; p = fromBoundary[p]) {
            hops[i--] = new int[] {viaServer[p], p - fromBoundary[p]};
        }
        return hops;
    }
}
