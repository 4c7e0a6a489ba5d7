package io.chainplan.optimizer.allocation;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.optimizer.model.Placement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jgrapht.Graph;
import org.jgrapht.alg.interfaces.ShortestPathAlgorithm.SingleSourcePaths;
import org.jgrapht.alg.shortestpath.DijkstraShortestPath;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleDirectedWeightedGraph;

/**
 * Greedy cache allocation (GCA), the paper (arXiv 2604.14993), §3, Algorithm 2, written the
 * straightforward way on JGraphT: the DAG of allowed hops (DESIGN.md §1.1) with a virtual source
 * and sink, hops that became unusable removed, and {@link DijkstraShortestPath} per chain.
 * <p>O(J^2) chains, O(J^2 log J) per chain: O(J^4 log J) worst case. This is the test oracle for
 * {@link GcaCacheAllocation}, and also what {@link #buildGraph} exposes for DOT export.
 * <p>Among equally cheap paths the canonical one is taken by backtracking from the sink: the last
 * hop into boundary p with the smallest start boundary, then the smaller hop cost, then the
 * smaller server index. Immutable and thread-safe.
 */
public final class DijkstraGcaCacheAllocation implements CacheAllocation {
    /** Creates the allocator. */
    public DijkstraGcaCacheAllocation() {
        // stateless
    }

    @Override
    public Allocation allocate(Fleet fleet, Placement placement) {
        PlacedServers ps = PlacedServers.of(fleet, placement);
        Graph<Integer, DefaultWeightedEdge> g = graph(ps);
        long[] residual = ps.slots.clone();
        int source = ps.count;
        int sink = ps.count + 1;
        List<Chain> chains = new ArrayList<>();
        while (true) {
            dropUnusable(g, ps, residual);
            SingleSourcePaths<Integer, DefaultWeightedEdge> paths = new DijkstraShortestPath<>(g).getPaths(source);
            double cost = paths.getWeight(sink);
            if (cost == Double.POSITIVE_INFINITY) {
                break;
            }
            List<int[]> hops = backtrack(g, ps, paths, cost);
            chains.add(charge(ps, residual, hops, cost));
        }
        return new Allocation(chains);
    }

    /**
     * The hop DAG of a placement (DESIGN.md §1.2 GCA step 1): vertices are placement indices
     * (servers in id order), then the source, then the sink; edge weights are hop times.
     *
     * @param fleet the fleet
     * @param placement the placement
     * @return a new graph
     */
    public static Graph<Integer, DefaultWeightedEdge> buildGraph(Fleet fleet, Placement placement) {
        return graph(PlacedServers.of(fleet, placement));
    }

    private static Graph<Integer, DefaultWeightedEdge> graph(PlacedServers ps) {
        Graph<Integer, DefaultWeightedEdge> g = new SimpleDirectedWeightedGraph<>(DefaultWeightedEdge.class);
        int source = ps.count;
        int sink = ps.count + 1;
        for (int v = 0; v < ps.count + 2; v++) {
            g.addVertex(v);
        }
        for (int j = 0; j < ps.count; j++) {
            if (ps.start[j] == 0) {
                g.setEdgeWeight(g.addEdge(source, j), ps.cost(j, ps.end[j]));
            }
            if (ps.end[j] == ps.blocks) {
                g.setEdgeWeight(g.addEdge(j, sink), 0.0);
            }
            for (int i = 0; i < ps.count; i++) {
                if (ps.start[j] <= ps.end[i] && ps.end[i] <= ps.end[j] - 1) {
                    g.setEdgeWeight(g.addEdge(i, j), ps.cost(j, ps.end[j] - ps.end[i]));
                }
            }
        }
        return g;
    }

    private static int boundary(PlacedServers ps, int vertex) {
        return vertex == ps.count ? 0 : ps.end[vertex];
    }

    /** GCA step 2: a hop into j is usable while R_j >= m_ij. */
    private static void dropUnusable(Graph<Integer, DefaultWeightedEdge> g, PlacedServers ps, long[] residual) {
        for (int j = 0; j < ps.count; j++) {
            for (DefaultWeightedEdge e : new ArrayList<>(g.incomingEdgesOf(j))) {
                int m = ps.end[j] - boundary(ps, g.getEdgeSource(e));
                if (residual[j] < m) {
                    g.removeEdge(e);
                }
            }
        }
    }

    private static List<int[]> backtrack(Graph<Integer, DefaultWeightedEdge> g, PlacedServers ps,
            SingleSourcePaths<Integer, DefaultWeightedEdge> paths, double cost) {
        double[] bestAt = new double[ps.blocks + 1];
        Arrays.fill(bestAt, Double.POSITIVE_INFINITY);
        bestAt[0] = 0;
        for (int u = 0; u < ps.count; u++) {
            bestAt[ps.end[u]] = Math.min(bestAt[ps.end[u]], paths.getWeight(u));
        }
        List<int[]> reversed = new ArrayList<>();
        int p = ps.blocks;
        double target = cost;
        while (p > 0) {
            int[] chosen = lastHop(g, ps, bestAt, p, target);
            reversed.add(chosen);
            p = chosen[1];
            target = bestAt[p];
        }
        List<int[]> hops = new ArrayList<>();
        for (int i = reversed.size() - 1; i >= 0; i--) {
            hops.add(reversed.get(i));
        }
        return hops;
    }

    /** The canonical last hop (server, q, p) into boundary p whose path cost equals {@code target}. */
    private static int[] lastHop(Graph<Integer, DefaultWeightedEdge> g, PlacedServers ps, double[] bestAt, int p,
            double target) {
        int[] chosen = null;
        double chosenWeight = 0;
        for (int j = 0; j < ps.count; j++) {
            if (ps.end[j] != p) {
                continue;
            }
            for (DefaultWeightedEdge e : g.incomingEdgesOf(j)) {
                int q = boundary(ps, g.getEdgeSource(e));
                double w = g.getEdgeWeight(e);
                if (bestAt[q] + w != target) {
                    continue;
                }
                if (chosen == null || q < chosen[1] || (q == chosen[1] && (w < chosenWeight
                        || (w == chosenWeight && j < chosen[0])))) {
                    chosen = new int[] {j, q, p};
                    chosenWeight = w;
                }
            }
        }
        if (chosen == null) {
            throw new IllegalStateException("Dijkstra backtracking lost the path at boundary " + p);
        }
        return chosen;
    }

    private static Chain charge(PlacedServers ps, long[] residual, List<int[]> hops, double cost) {
        long capacity = Integer.MAX_VALUE;
        for (int[] h : hops) {
            capacity = Math.min(capacity, residual[h[0]] / (h[2] - h[1]));
        }
        List<Hop> out = new ArrayList<>();
        for (int[] h : hops) {
            residual[h[0]] -= capacity * (h[2] - h[1]);
            out.add(new Hop(ps.ids[h[0]], h[1], h[2]));
        }
        return new Chain(out, (int) capacity, cost);
    }
}
