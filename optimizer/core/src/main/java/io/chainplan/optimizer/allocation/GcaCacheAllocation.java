package io.chainplan.optimizer.allocation;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.optimizer.model.Placement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Greedy cache allocation (GCA): the paper (arXiv 2604.14993), §3, Algorithm 2, as specified in
 * DESIGN.md §1.2: repeatedly take the fastest chain that every hop can still serve, give it the
 * largest capacity its hops allow, and charge the hops' cache slots.
 * <p>Fast implementation. Instead of Dijkstra over the server DAG (the paper's O(J^4)), each
 * cheapest path is found by a DP over block boundaries: {@code best[p]} is the cheapest way to
 * have processed blocks {@code [0, p)}, and {@code best[p] = min_q best[q] + g(q, p)} where
 * {@code g(q, p)} is the cheapest usable server that hosts block {@code q} and ends at {@code p}.
 * Each pair {@code (q, p)} keeps its servers sorted by hop cost once; residual slots only shrink,
 * so a server that is no longer usable for a pair is skipped for good (amortized O(1)).
 * A path costs O(#pairs) = O(L^2), independent of J; after a chain only boundaries at or after
 * its first hop are recomputed. Building costs O(sum_j m_j log J).
 * <p>Deterministic and identical to {@link DijkstraGcaCacheAllocation}: among equally cheap last
 * hops into a boundary the smallest start boundary wins, then the smaller hop cost, then the
 * smaller server index (placement id order). Capacities above {@link Integer#MAX_VALUE} are capped.
 * <p>Immutable and thread-safe; all working state is local to one call.
 */
public final class GcaCacheAllocation implements CacheAllocation {
    /** Creates the allocator. */
    public GcaCacheAllocation() {
        // stateless
    }

    @Override
    public Allocation allocate(Fleet fleet, Placement placement) {
        return new Run(PlacedServers.of(fleet, placement)).allocateAll();
    }

    /** Working state of one allocation. */
    private static final class Run {
        private final PlacedServers ps;
        private final int blocks;
        private final long[] residual;
        /** Compact pair ids per end boundary p, ascending q. */
        private final int[][] pairsByEnd;
        private final int[] pairStartBoundary;
        private final int[] segmentEnd;
        private final int[] head;
        private final int[] entries;
        private final double[] best;

        Run(PlacedServers ps) {
            this.ps = ps;
            this.blocks = ps.blocks;
            this.residual = ps.slots.clone();
            int width = blocks + 1;
            int[] count = new int[width * width];
            for (int j = 0; j < ps.count; j++) {
                for (int q = ps.start[j]; q < ps.end[j]; q++) {
                    count[q * width + ps.end[j]]++;
                }
            }
            int[] pairId = new int[width * width];
            Arrays.fill(pairId, -1);
            int pairs = 0;
            int total = 0;
            int[][] ends = new int[width][];
            for (int p = 1; p <= blocks; p++) {
                int n = 0;
                for (int q = 0; q < p; q++) {
                    if (count[q * width + p] > 0) {
                        n++;
                    }
                }
                ends[p] = new int[n];
                n = 0;
                for (int q = 0; q < p; q++) {
                    if (count[q * width + p] > 0) {
                        pairId[q * width + p] = pairs;
                        ends[p][n++] = pairs++;
                    }
                }
            }
            pairsByEnd = ends;
            pairStartBoundary = new int[pairs];
            segmentEnd = new int[pairs];
            head = new int[pairs];
            int[] fill = new int[pairs];
            for (int p = 1; p <= blocks; p++) {
                for (int q = 0; q < p; q++) {
                    int id = pairId[q * width + p];
                    if (id >= 0) {
                        pairStartBoundary[id] = q;
                        head[id] = total;
                        fill[id] = total;
                        total += count[q * width + p];
                        segmentEnd[id] = total;
                    }
                }
            }
            entries = new int[total];
            for (int j = 0; j < ps.count; j++) {
                for (int q = ps.start[j]; q < ps.end[j]; q++) {
                    entries[fill[pairId[q * width + ps.end[j]]]++] = j;
                }
            }
            sortSegments();
            best = new double[width];
        }

        /** Sorts each pair's servers by (hop cost, index); they were filled in index order. */
        private void sortSegments() {
            int[] buffer = new int[entries.length];
            for (int p = 1; p <= blocks; p++) {
                for (int id : pairsByEnd[p]) {
                    int m = p - pairStartBoundary[id];
                    mergeSort(head[id], segmentEnd[id], m, buffer);
                }
            }
        }

        private void mergeSort(int from, int to, int m, int[] buffer) {
            if (to - from < 2) {
                return;
            }
            int mid = (from + to) >>> 1;
            mergeSort(from, mid, m, buffer);
            mergeSort(mid, to, m, buffer);
            if (ps.cost(entries[mid - 1], m) <= ps.cost(entries[mid], m)) {
                return;
            }
            System.arraycopy(entries, from, buffer, from, to - from);
            int i = from;
            int k = mid;
            for (int out = from; out < to; out++) {
                if (k >= to || (i < mid && ps.cost(buffer[i], m) <= ps.cost(buffer[k], m))) {
                    entries[out] = buffer[i++];
                } else {
                    entries[out] = buffer[k++];
                }
            }
        }

        /** The cheapest server still usable for a pair, or -1; skips servers that ran out for good. */
        private int head(int id, int m) {
            int h = head[id];
            int endIdx = segmentEnd[id];
            while (h < endIdx && residual[entries[h]] < m) {
                h++;
            }
            head[id] = h;
            return h < endIdx ? entries[h] : -1;
        }

        Allocation allocateAll() {
            List<Chain> chains = new ArrayList<>();
            best[0] = 0;
            int from = 1;
            while (true) {
                relax(from);
                if (best[blocks] == Double.POSITIVE_INFINITY) {
                    break;
                }
                int[] path = cheapestPath();
                chains.add(charge(path));
                from = path[2];
            }
            return new Allocation(chains);
        }

        /** DP over boundaries {@code p >= from}; boundaries before {@code from} are unchanged. */
        private void relax(int from) {
            for (int p = from; p <= blocks; p++) {
                double b = Double.POSITIVE_INFINITY;
                for (int id : pairsByEnd[p]) {
                    int q = pairStartBoundary[id];
                    double bq = best[q];
                    if (bq == Double.POSITIVE_INFINITY) {
                        continue;
                    }
                    int s = head(id, p - q);
                    if (s >= 0) {
                        double v = bq + ps.cost(s, p - q);
                        if (v < b) {
                            b = v;
                        }
                    }
                }
                best[p] = b;
            }
        }

        /**
         * Backtracks the canonical cheapest path from boundary L.
         *
         * @return triples (server, startBoundary, endBoundary) in path order
         */
        private int[] cheapestPath() {
            int[] reversed = new int[3 * blocks];
            int n = 0;
            int p = blocks;
            while (p > 0) {
                int chosen = -1;
                int chosenQ = -1;
                for (int id : pairsByEnd[p]) {
                    int q = pairStartBoundary[id];
                    double bq = best[q];
                    if (bq == Double.POSITIVE_INFINITY) {
                        continue;
                    }
                    int s = head(id, p - q);
                    if (s >= 0 && bq + ps.cost(s, p - q) == best[p]) {
                        chosen = s;
                        chosenQ = q;
                        break;
                    }
                }
                if (chosen < 0) {
                    throw new IllegalStateException("GCA backtracking lost the path at boundary " + p);
                }
                reversed[n++] = chosen;
                reversed[n++] = chosenQ;
                reversed[n++] = p;
                p = chosenQ;
            }
            int[] path = new int[n];
            for (int i = 0; i < n; i += 3) {
                System.arraycopy(reversed, n - 3 - i, path, i, 3);
            }
            return path;
        }

        /** Step 3: capacity = min over hops of floor(R_j / m_ij); subtract it from every hop's slots. */
        private Chain charge(int[] path) {
            long capacity = Integer.MAX_VALUE;
            for (int i = 0; i < path.length; i += 3) {
                capacity = Math.min(capacity, residual[path[i]] / (path[i + 2] - path[i + 1]));
            }
            List<Hop> hops = new ArrayList<>(path.length / 3);
            for (int i = 0; i < path.length; i += 3) {
                residual[path[i]] -= capacity * (path[i + 2] - path[i + 1]);
                hops.add(new Hop(ps.ids[path[i]], path[i + 1], path[i + 2]));
            }
            return new Chain(hops, (int) capacity, best[blocks]);
        }
    }
}
