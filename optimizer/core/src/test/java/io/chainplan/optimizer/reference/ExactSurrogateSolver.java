package io.chainplan.optimizer.reference;

import io.chainplan.optimizer.model.BlockRange;
import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.ServerPlacement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Exact optimum of the paper's surrogate problem on tiny instances, as a yardstick for GBP-CR + GCA
 * (the paper, arXiv 2604.14993, §3; DESIGN.md §1.2, "Choosing c"): the smallest total capacity
 * {@code C = sum_k c_k} of chains whose total rate {@code sum_k c_k mu_k} reaches
 * {@code lambda / rho_bar}, over every placement and every cache allocation that fits in memory.
 * By Little's law, at that throughput {@code C} is proportional to the mean service time, which
 * is what the surrogate trades against cache.
 * <p>Method: enumerate placements (every server unused or one range; without loss of generality a
 * range starts at block 0 or at another server's end, since a hop into j always starts at its
 * predecessor's end and a shorter range frees memory); for each, enumerate all chains (paths of
 * the hop DAG of DESIGN.md §1.1) and solve the integer program "minimum units, each unit of chain
 * k adds mu_k, within cache slots" by depth-first branch and bound over chains fastest first.
 * <p>Exponential: for {@code J <= 6}, {@code L <= 8} only. Deterministic. Stateless.
 */
public final class ExactSurrogateSolver {
    /** Largest fleet the enumeration accepts. */
    public static final int MAX_SERVERS = 6;
    /** Largest model the enumeration accepts. */
    public static final int MAX_BLOCKS = 8;
    private static final double RELATIVE_SLACK = 1e-12;

    private ExactSurrogateSolver() {
    }

    /**
     * The optimum.
     *
     * @param reachable whether some placement and allocation reaches the target rate
     * @param totalCapacity the minimum C, or {@link Long#MAX_VALUE} if unreachable
     * @param placement an optimal placement (empty if unreachable)
     * @param chains an optimal set of chains with capacities, fastest first
     * @param placementsExamined placements enumerated
     */
    public record Result(boolean reachable, long totalCapacity, Placement placement, List<Chain> chains,
            long placementsExamined) {
    }

    /**
     * Smallest number of capacity units of the given chains, fastest first, whose rate reaches
     * {@code targetRate}: the surrogate value of an allocation (greedy is optimal because every
     * unit costs 1 and a unit of chain k adds mu_k).
     *
     * @param chains chains with capacities
     * @param targetRate lambda / rho_bar
     * @return the units needed, or -1 if all capacity together does not reach the target
     */
    public static long capacityToReach(List<Chain> chains, double targetRate) {
        List<Chain> sorted = chains.stream().sorted(Comparator.comparingDouble(Chain::serviceSeconds)).toList();
        double rate = 0;
        long units = 0;
        for (Chain k : sorted) {
            if (reached(rate, targetRate)) {
                return units;
            }
            long need = unitsNeeded(targetRate - rate, k.serviceRatePerSecond());
            long take = Math.min(need, k.capacity());
            units += take;
            rate += take * k.serviceRatePerSecond();
        }
        return reached(rate, targetRate) ? units : -1;
    }

    private static boolean reached(double rate, double target) {
        return rate >= target * (1 - RELATIVE_SLACK);
    }

    private static long unitsNeeded(double missingRate, double mu) {
        return (long) Math.ceil(missingRate * (1 - RELATIVE_SLACK) / mu);
    }

    /**
     * @param fleet a fleet with at most {@link #MAX_SERVERS} servers and {@link #MAX_BLOCKS} blocks
     * @return the exact optimum of the surrogate problem
     */
    public static Result solve(Fleet fleet) {
        Objects.requireNonNull(fleet, "fleet");
        if (fleet.servers().size() > MAX_SERVERS || fleet.model().blocks() > MAX_BLOCKS) {
            throw new IllegalArgumentException("exact reference needs J <= " + MAX_SERVERS + " and L <= " + MAX_BLOCKS
                    + ", was J = " + fleet.servers().size() + ", L = " + fleet.model().blocks());
        }
        Search s = new Search(fleet);
        s.assignEnds(0);
        return s.result();
    }

    /** Enumeration state. */
    private static final class Search {
        private final ModelSpec model;
        private final List<Server> servers;
        private final double target;
        private final int[] end;
        private final int[] start;
        private long best = Long.MAX_VALUE;
        private Placement bestPlacement = Placement.empty();
        private List<Chain> bestChains = List.of();
        private long examined;

        Search(Fleet fleet) {
            this.model = fleet.model();
            this.servers = fleet.servers().stream().sorted(Comparator.comparing(Server::id)).toList();
            this.target = fleet.arrivalRatePerSecond() / fleet.targetLoad();
            this.end = new int[servers.size()];
            this.start = new int[servers.size()];
        }

        Result result() {
            return best == Long.MAX_VALUE ? new Result(false, best, Placement.empty(), List.of(), examined)
                    : new Result(true, best, bestPlacement, bestChains, examined);
        }

        /** end[j] = 0 means unused. */
        void assignEnds(int j) {
            if (j == servers.size()) {
                boolean endsAtL = false;
                for (int e : end) {
                    endsAtL |= e == model.blocks();
                }
                if (endsAtL) {
                    assignStarts(0);
                }
                return;
            }
            for (int e = 0; e <= model.blocks(); e++) {
                end[j] = e;
                assignEnds(j + 1);
            }
        }

        void assignStarts(int j) {
            if (j == servers.size()) {
                evaluate();
                return;
            }
            if (end[j] == 0) {
                assignStarts(j + 1);
                return;
            }
            for (int a = 0; a < end[j]; a++) {
                if (a == 0 || isEndOfOther(a, j)) {
                    if (model.cacheSlots(servers.get(j).memoryBytes(), end[j] - a) >= 1) {
                        start[j] = a;
                        assignStarts(j + 1);
                    }
                }
            }
        }

        private boolean isEndOfOther(int boundary, int j) {
            for (int i = 0; i < servers.size(); i++) {
                if (i != j && end[i] == boundary) {
                    return true;
                }
            }
            return false;
        }

        private void evaluate() {
            examined++;
            List<int[]> paths = new ArrayList<>();
            collectPaths(0, new ArrayList<>(), paths);
            if (paths.isEmpty()) {
                return;
            }
            int n = paths.size();
            double[] seconds = new double[n];
            for (int p = 0; p < n; p++) {
                seconds[p] = pathSeconds(paths.get(p));
            }
            Integer[] order = new Integer[n];
            for (int p = 0; p < n; p++) {
                order[p] = p;
            }
            java.util.Arrays.sort(order, Comparator.comparingDouble(p -> seconds[p]));
            long[] slots = new long[servers.size()];
            for (int j = 0; j < servers.size(); j++) {
                slots[j] = end[j] == 0 ? 0 : model.cacheSlots(servers.get(j).memoryBytes(), end[j] - start[j]);
            }
            int[][] sortedPaths = new int[n][];
            double[] sortedSeconds = new double[n];
            for (int i = 0; i < n; i++) {
                sortedPaths[i] = paths.get(order[i]);
                sortedSeconds[i] = seconds[order[i]];
            }
            long[] units = new long[n];
            branch(sortedPaths, sortedSeconds, slots, units, 0, 0, 0.0);
        }

        /** Paths as server index sequences from boundary 0 to L. */
        private void collectPaths(int boundary, List<Integer> prefix, List<int[]> out) {
            if (boundary == model.blocks()) {
                out.add(prefix.stream().mapToInt(Integer::intValue).toArray());
                return;
            }
            for (int j = 0; j < servers.size(); j++) {
                if (end[j] > boundary && start[j] <= boundary) {
                    prefix.add(j);
                    collectPaths(end[j], prefix, out);
                    prefix.remove(prefix.size() - 1);
                }
            }
        }

        private double pathSeconds(int[] path) {
            double t = 0;
            int q = 0;
            for (int j : path) {
                t += servers.get(j).hopSeconds(end[j] - q);
                q = end[j];
            }
            return t;
        }

        private void branch(int[][] paths, double[] seconds, long[] slots, long[] units, int i, long used, double rate) {
            if (reached(rate, target)) {
                if (used < best) {
                    record(paths, seconds, units, used);
                }
                return;
            }
            if (i == paths.length) {
                return;
            }
            double mu = 1.0 / seconds[i];
            long need = unitsNeeded(target - rate, mu);
            if (used + need >= best) {
                return;
            }
            long max = need;
            int q = 0;
            for (int j : paths[i]) {
                max = Math.min(max, slots[j] / (end[j] - q));
                q = end[j];
            }
            for (long u = max; u >= 0; u--) {
                charge(paths[i], slots, u);
                units[i] = u;
                branch(paths, seconds, slots, units, i + 1, used + u, rate + u * mu);
                charge(paths[i], slots, -u);
                units[i] = 0;
            }
        }

        private void charge(int[] path, long[] slots, long u) {
            int q = 0;
            for (int j : path) {
                slots[j] -= u * (end[j] - q);
                q = end[j];
            }
        }

        private void record(int[][] paths, double[] seconds, long[] units, long used) {
            best = used;
            List<ServerPlacement> placed = new ArrayList<>();
            for (int j = 0; j < servers.size(); j++) {
                if (end[j] > 0) {
                    placed.add(ServerPlacement.of(model, servers.get(j), new BlockRange(start[j], end[j])));
                }
            }
            bestPlacement = new Placement(placed);
            List<Chain> chains = new ArrayList<>();
            for (int i = 0; i < paths.length; i++) {
                if (units[i] > 0) {
                    List<Hop> hops = new ArrayList<>();
                    int q = 0;
                    for (int j : paths[i]) {
                        hops.add(new Hop(servers.get(j).id(), q, end[j]));
                        q = end[j];
                    }
                    chains.add(new Chain(hops, (int) units[i], seconds[i]));
                }
            }
            bestChains = chains;
        }
    }
}
