package io.chainplan.optimizer.baseline;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.ServerPlacement;
import io.chainplan.optimizer.sim.RoutingModel;
import io.chainplan.optimizer.sim.SimContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * On-arrival path routing over per-server cache pools, the serving model of the PETALS and BPRR
 * baselines (arXiv 2604.14993, §6.1; DESIGN.md §1.3). There is no central queue and no chain capacity:
 * <ul>
 *   <li>On arrival a request is routed once, along the cheapest chain over the servers' ranges under
 *       the baseline's {@link HopCostRule} evaluated on the current pools; hops whose server's whole
 *       pool is smaller than the hop's blocks are never used.</li>
 *   <li>A request in service holds {@code m_ij} slots ({@code s_c} bytes per processed block) on every
 *       server of its path, from the start of its service to its departure (DESIGN.md §1.1). It starts
 *       only when all of them are free at once (it never holds some while waiting for others), so the
 *       slots in use on a server never exceed its pool: memory is never overrun.</li>
 *   <li>Each server's pool is first come, first served: an arriving request starts at once only if every
 *       server of its path has the slots free and nobody queued; otherwise it waits in the FIFO queue of
 *       the first such server of its path ("a request that finds no cache waits on the server").</li>
 *   <li>Whenever slots are freed, queue heads are tried oldest first; a head starts once all servers of
 *       its path have the slots free. Repeated until no head can start.</li>
 * </ul>
 * <p>Routes for utilisation accounting are the placed servers: a request is accounted to its first hop's
 * server, whose capacity is taken as {@code max(1, pool / hosted blocks)}.
 * <p>The model is immutable; each {@link #newRun} has its own state (not thread-safe).
 */
public final class PooledRoutingModel implements RoutingModel {
    private final String name;
    private final HopCostRule rule;
    private final int blocks;
    private final String[] ids;
    private final int[] start;
    private final int[] end;
    private final int[] pool;
    private final double[] comm;
    private final double[] compute;

    /**
     * Creates the model.
     *
     * @param name name for reports, e.g. {@code petals}
     * @param fleet the fleet (server timings by id)
     * @param placement ranges with the pool of each server in {@code cacheSlots}
     * @param rule the routing cost
     */
    public PooledRoutingModel(String name, Fleet fleet, Placement placement, HopCostRule rule) {
        this.name = Objects.requireNonNull(name, "name");
        this.rule = Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(fleet, "fleet");
        if (placement.isEmpty()) {
            throw new IllegalArgumentException("placement must place at least one server");
        }
        Map<String, Server> byId = new HashMap<>();
        fleet.servers().forEach(s -> byId.put(s.id(), s));
        List<ServerPlacement> placed = placement.servers();
        int n = placed.size();
        blocks = fleet.model().blocks();
        ids = new String[n];
        start = new int[n];
        end = new int[n];
        pool = new int[n];
        comm = new double[n];
        compute = new double[n];
        for (int j = 0; j < n; j++) {
            ServerPlacement sp = placed.get(j);
            Server s = byId.get(sp.serverId());
            if (s == null) {
                throw new IllegalArgumentException("placement names server " + sp.serverId() + " which is not in the fleet");
            }
            if (sp.range().end() > blocks) {
                throw new IllegalArgumentException("range " + sp.range() + " of server " + sp.serverId() + " exceeds L = " + blocks);
            }
            ids[j] = sp.serverId();
            start[j] = sp.range().start();
            end[j] = sp.range().end();
            pool[j] = sp.cacheSlots();
            comm[j] = s.commSeconds();
            compute[j] = s.perBlockComputeSeconds();
        }
        if (new CheapestPath(blocks, start, end).find((j, m) -> m <= pool[j] ? 1.0 : Double.POSITIVE_INFINITY) == null) {
            throw new IllegalArgumentException("placement has no chain covering all " + blocks + " blocks");
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> routeLabels() {
        return List.of(ids);
    }

    @Override
    public int routeCapacity(int route) {
        return Math.max(1, pool[route] / (end[route] - start[route]));
    }

    @Override
    public RoutingRun newRun(RandomGenerator random) {
        return new Run();
    }

    /**
     * @param server server index
     * @return its id
     */
    public String serverId(int server) {
        return ids[server];
    }

    /** A routed request. */
    private static final class Req {
        final int[] servers;
        final int[] hopBlocks;
        final Chain route;
        final long seq;
        final int waitingAt;

        Req(int[] servers, int[] hopBlocks, Chain route, long seq, int waitingAt) {
            this.servers = servers;
            this.hopBlocks = hopBlocks;
            this.route = route;
            this.seq = seq;
            this.waitingAt = waitingAt;
        }

        Req waitingAt(int server) {
            return new Req(servers, hopBlocks, route, seq, server);
        }
    }

    /** State of one run; also the {@link PoolView} the hop-cost rule reads. */
    final class Run implements RoutingRun, PoolView {
        private final int[] free = pool.clone();
        private final int[] serving = new int[ids.length];
        private final double[] nominalSum = new double[ids.length];
        private final List<ArrayDeque<Integer>> queues = new ArrayList<>();
        private final CheapestPath paths = new CheapestPath(blocks, start, end);
        private Req[] requests = new Req[64];
        private long nextSeq;
        private int waiting;

        Run() {
            for (int j = 0; j < ids.length; j++) {
                queues.add(new ArrayDeque<>());
            }
        }

        @Override
        public void onArrival(SimContext ctx, int request) {
            int[][] hops = paths.find((j, m) -> m <= pool[j] ? rule.hopCost(this, j, m) : Double.POSITIVE_INFINITY);
            if (hops == null) {
                throw new IllegalStateException("no usable chain for request " + request);
            }
            Req r = route(hops);
            store(request, r);
            int blocked = firstBlocked(r, true);
            if (blocked < 0) {
                start(ctx, request, r);
            } else {
                store(request, r.waitingAt(blocked));
                queues.get(blocked).addLast(request);
                waiting++;
            }
        }

        @Override
        public void onDeparture(SimContext ctx, int request, int route) {
            Req r = requests[request];
            requests[request] = null;
            double nominal = r.route.serviceSeconds();
            for (int h = 0; h < r.servers.length; h++) {
                int j = r.servers[h];
                free[j] += r.hopBlocks[h];
                serving[j]--;
                nominalSum[j] = serving[j] == 0 ? 0 : nominalSum[j] - nominal;
            }
            startWaiting(ctx);
        }

        /** Tries queue heads oldest first until none can start. */
        private void startWaiting(SimContext ctx) {
            boolean started = true;
            while (started && waiting > 0) {
                started = false;
                for (int head : headsOldestFirst()) {
                    Req r = requests[head];
                    if (firstBlocked(r, false) < 0) {
                        queues.get(r.waitingAt).pollFirst();
                        waiting--;
                        start(ctx, head, r);
                        started = true;
                    }
                }
            }
        }

        private int[] headsOldestFirst() {
            List<Integer> heads = new ArrayList<>();
            for (ArrayDeque<Integer> q : queues) {
                if (!q.isEmpty()) {
                    heads.add(q.peekFirst());
                }
            }
            return heads.stream().sorted((a, b) -> Long.compare(requests[a].seq, requests[b].seq))
                    .mapToInt(Integer::intValue).toArray();
        }

        /**
         * @param r the request
         * @param respectQueues whether a non-empty queue blocks it (arrivals) or only free slots count (heads)
         * @return the first server of its path that blocks it, or -1
         */
        private int firstBlocked(Req r, boolean respectQueues) {
            for (int h = 0; h < r.servers.length; h++) {
                int j = r.servers[h];
                if (free[j] < r.hopBlocks[h] || (respectQueues && !queues.get(j).isEmpty())) {
                    return j;
                }
            }
            return -1;
        }

        private void start(SimContext ctx, int request, Req r) {
            double nominal = r.route.serviceSeconds();
            for (int h = 0; h < r.servers.length; h++) {
                int j = r.servers[h];
                free[j] -= r.hopBlocks[h];
                if (free[j] < 0) {
                    throw new IllegalStateException("server " + ids[j] + " pool overrun");
                }
                serving[j]++;
                nominalSum[j] += nominal;
            }
            ctx.startService(request, r.servers[0], ctx.sampleServiceSeconds(request, r.route));
        }

        private Req route(int[][] hops) {
            int[] servers = new int[hops.length];
            int[] hopBlocks = new int[hops.length];
            List<Hop> path = new ArrayList<>(hops.length);
            double total = 0;
            int block = 0;
            for (int h = 0; h < hops.length; h++) {
                int j = hops[h][0];
                servers[h] = j;
                hopBlocks[h] = hops[h][1];
                path.add(new Hop(ids[j], block, block + hopBlocks[h]));
                block += hopBlocks[h];
                total += comm[j] + compute[j] * hopBlocks[h];
            }
            // a routed request is a chain of capacity 1: itself
            return new Req(servers, hopBlocks, new Chain(path, 1, total), nextSeq++, -1);
        }

        private void store(int request, Req r) {
            if (request >= requests.length) {
                requests = Arrays.copyOf(requests, Math.max(request + 1, requests.length * 2));
            }
            requests[request] = r;
        }

        @Override
        public int serverCount() {
            return ids.length;
        }

        @Override
        public int hostedBlocks(int server) {
            return end[server] - start[server];
        }

        @Override
        public int poolSlots(int server) {
            return pool[server];
        }

        @Override
        public int freeSlots(int server) {
            return free[server];
        }

        @Override
        public int queued(int server) {
            return queues.get(server).size();
        }

        @Override
        public int inService(int server) {
            return serving[server];
        }

        @Override
        public double meanNominalServiceSeconds(int server) {
            return serving[server] == 0 ? 0 : nominalSum[server] / serving[server];
        }

        @Override
        public double commSeconds(int server) {
            return comm[server];
        }

        @Override
        public double perBlockComputeSeconds(int server) {
            return compute[server];
        }
    }
}
