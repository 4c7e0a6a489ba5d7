package io.chainplan.optimizer.baseline;

import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Server;
import java.util.Arrays;

/** Shared window arithmetic of the baseline placements. */
final class Windows {
    private Windows() {
    }

    /**
     * Blocks a server hosts when it reserves cache for {@code reservation} requests on each hosted
     * block: {@code min(floor(M_j / (s_m + s_c * reservation)), L)} (DESIGN.md §1.3).
     *
     * @param model the model
     * @param server the server
     * @param reservation requests per hosted block, {@code >= 1}
     * @return m_j, possibly 0
     */
    static int blocksWithReservation(ModelSpec model, Server server, long reservation) {
        long perBlock = Math.addExact(model.blockBytes(), Math.multiplyExact(model.cacheBytesPerBlockPerJob(), reservation));
        return (int) Math.min(server.memoryBytes() / perBlock, model.blocks());
    }

    /**
     * PETALS' {@code _choose_best_start}: the start of the window of {@code m} consecutive blocks
     * whose served-throughput values, sorted ascending, are lexicographically smallest; ties go to
     * the smallest start.
     *
     * @param served served throughput per block
     * @param m window length, {@code 1 <= m <= served.length}
     * @return the start
     */
    static int lexicographicallyLeastServedStart(double[] served, int m) {
        int best = 0;
        double[] bestKey = sortedWindow(served, 0, m);
        for (int i = 1; i + m <= served.length; i++) {
            double[] key = sortedWindow(served, i, m);
            if (Arrays.compare(key, bestKey) < 0) {
                best = i;
                bestKey = key;
            }
        }
        return best;
    }

    private static double[] sortedWindow(double[] served, int start, int m) {
        double[] w = Arrays.copyOfRange(served, start, start + m);
        Arrays.sort(w);
        return w;
    }

    /**
     * @param values per-block values
     * @return whether every value is positive
     */
    static boolean allPositive(double[] values) {
        for (double v : values) {
            if (!(v > 0)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Adds {@code amount} to {@code values[start, start + m)}.
     *
     * @param values per-block values
     * @param start first block
     * @param m blocks
     * @param amount what to add
     */
    static void add(double[] values, int start, int m, double amount) {
        for (int b = start; b < start + m; b++) {
            values[b] += amount;
        }
    }
}
