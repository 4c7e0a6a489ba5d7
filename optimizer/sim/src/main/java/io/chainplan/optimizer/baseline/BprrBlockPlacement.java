package io.chainplan.optimizer.baseline;

import io.chainplan.optimizer.model.BlockRange;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.ServerPlacement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * BPRR's conservative block placement (Sun, He, Ji, Parag, arXiv 2512.21884, 2025), as the paper
 * models it (arXiv 2604.14993, §6.1, baseline "BPRR"; DESIGN.md §1.3).
 * <ol>
 *   <li>Reserve cache for {@code R} concurrent requests on every hosted block, with
 *       {@code R = min(ceil(lambda T + sqrt(lambda T)), floor((sum_j M_j - s_m (L + J)) / (s_c (L + J))))},
 *       at least 1: the expected number of requests in service (an M/G/infinity mean, plus one
 *       standard deviation) capped by what the whole fleet's memory can hold.</li>
 *   <li>{@code m_j = min(floor(M_j / (s_m + s_c R)), L)}; servers with 0 host nothing.</li>
 *   <li>Servers in ascending amortised time {@code (tau_c[j] + tau_p[j] m_j) / m_j} (ties by id) each
 *       take a window that contains the first least-served block (the lowest number of hosting
 *       servers); among those windows, the least-served one (smallest sum of hosting counts; ties:
 *       smallest start). This lays out complete copies of the model fastest servers first, and
 *       after that adds servers where the model is thinnest.</li>
 * </ol>
 * <p><b>T</b>, the mean service time of one request on a chain, is not given by the baseline. By
 * default it is the time of a typical chain at the chosen {@code R}: {@code h * mean(tau_c) + L * mean(tau_p)}
 * over the servers that host blocks, with {@code h = ceil(L / mean(m_j))} hops. As {@code T} grows with
 * {@code R}, {@code R} is found as the least fixed point, iterating from {@code R = 1}. A caller
 * may pass its own {@code T} instead.
 * <p>O(J L^2). Deterministic: ties by server id and smallest start. Immutable and thread-safe.
 */
public final class BprrBlockPlacement {
    private final CachePool pool;

    /** BPRR with the reserved cache pool ({@code R} slots per hosted block). */
    public BprrBlockPlacement() {
        this(CachePool.RESERVED);
    }

    /** @param pool how large each server's cache pool is */
    public BprrBlockPlacement(CachePool pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    /**
     * Places the blocks with {@code T} from the typical-chain fixed point (see the class comment).
     *
     * @param fleet model, servers and lambda
     * @return the placement
     */
    public BaselinePlacement place(Fleet fleet) {
        Objects.requireNonNull(fleet, "fleet");
        long rMax = memoryBound(fleet);
        long r = 1;
        double t = typicalChainSeconds(fleet, r);
        for (int i = 0; i < 64; i++) {
            long next = Math.max(r, reservation(fleet.arrivalRatePerSecond(), t, rMax));
            if (next == r) {
                break;
            }
            r = next;
            t = typicalChainSeconds(fleet, r);
        }
        return placeWithReservation(fleet, r, t);
    }

    /**
     * Places the blocks for a given mean service time {@code T}.
     *
     * @param fleet model, servers and lambda
     * @param meanServiceSeconds T, {@code > 0}
     * @return the placement
     */
    public BaselinePlacement place(Fleet fleet, double meanServiceSeconds) {
        Objects.requireNonNull(fleet, "fleet");
        if (!(meanServiceSeconds > 0 && Double.isFinite(meanServiceSeconds))) {
            throw new IllegalArgumentException("meanServiceSeconds must be a finite number > 0, was " + meanServiceSeconds);
        }
        long r = reservation(fleet.arrivalRatePerSecond(), meanServiceSeconds, memoryBound(fleet));
        return placeWithReservation(fleet, r, meanServiceSeconds);
    }

    /**
     * {@code R = max(1, min(ceil(lambda T + sqrt(lambda T)), rMax))}.
     *
     * @param lambda arrival rate
     * @param t mean service time
     * @param rMax the memory bound
     * @return R
     */
    static long reservation(double lambda, double t, long rMax) {
        double load = lambda * t;
        long expected = (long) Math.ceil(load + Math.sqrt(load));
        return Math.max(1, Math.min(expected, rMax));
    }

    /**
     * The memory bound {@code floor((sum_j M_j - s_m (L + J)) / (s_c (L + J)))}, at least 0.
     *
     * @param fleet the fleet
     * @return the bound
     */
    static long memoryBound(Fleet fleet) {
        ModelSpec model = fleet.model();
        long units = model.blocks() + (long) fleet.servers().size();
        long total = 0;
        for (Server s : fleet.servers()) {
            total = Math.addExact(total, s.memoryBytes());
        }
        long free = total - Math.multiplyExact(model.blockBytes(), units);
        return free <= 0 ? 0 : free / Math.multiplyExact(model.cacheBytesPerBlockPerJob(), units);
    }

    /**
     * Mean service time of a typical chain at reservation {@code r}: {@code ceil(L / mean m_j)} hops of
     * mean communication time plus L blocks of mean compute time, over servers with {@code m_j > 0}.
     *
     * @param fleet the fleet
     * @param r the reservation
     * @return seconds; {@code +infinity} if no server can host a block
     */
    static double typicalChainSeconds(Fleet fleet, long r) {
        ModelSpec model = fleet.model();
        int n = 0;
        double blocks = 0;
        double comm = 0;
        double compute = 0;
        for (Server s : fleet.servers()) {
            int m = Windows.blocksWithReservation(model, s, r);
            if (m > 0) {
                n++;
                blocks += m;
                comm += s.commSeconds();
                compute += s.perBlockComputeSeconds();
            }
        }
        if (n == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double hops = Math.ceil(model.blocks() / (blocks / n));
        return hops * comm / n + model.blocks() * compute / n;
    }

    private BaselinePlacement placeWithReservation(Fleet fleet, long r, double t) {
        ModelSpec model = fleet.model();
        List<Sized> sorted = new ArrayList<>();
        for (Server s : fleet.servers()) {
            int m = Windows.blocksWithReservation(model, s, r);
            if (m > 0) {
                sorted.add(new Sized(s, m));
            }
        }
        sorted.sort(Comparator.comparingDouble(Sized::amortizedSeconds).thenComparing(z -> z.server.id()));
        int[] hosting = new int[model.blocks()];
        List<ServerPlacement> placed = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Sized z : sorted) {
            int start = chooseStart(hosting, z.blocks);
            for (int b = start; b < start + z.blocks; b++) {
                hosting[b]++;
            }
            int slots = pool.slots(z.server.memoryBytes(), model.blockBytes(), model.cacheBytesPerBlockPerJob(), z.blocks, r);
            placed.add(new ServerPlacement(z.server.id(), new BlockRange(start, start + z.blocks), slots));
            ids.add(z.server.id());
        }
        boolean covered = java.util.Arrays.stream(hosting).allMatch(h -> h > 0);
        return new BaselinePlacement("bprr", new Placement(placed), r, ids, covered, t);
    }

    /**
     * Step 3: the least-served window among those containing the first least-served block.
     *
     * @param hosting servers hosting each block so far
     * @param m window length
     * @return the start
     */
    static int chooseStart(int[] hosting, int m) {
        int first = 0;
        for (int b = 1; b < hosting.length; b++) {
            if (hosting[b] < hosting[first]) {
                first = b;
            }
        }
        int lo = Math.max(0, first - m + 1);
        int hi = Math.min(first, hosting.length - m);
        int best = lo;
        long bestSum = Long.MAX_VALUE;
        for (int s = lo; s <= hi; s++) {
            long sum = 0;
            for (int b = s; b < s + m; b++) {
                sum += hosting[b];
            }
            if (sum < bestSum) {
                best = s;
                bestSum = sum;
            }
        }
        return best;
    }

    /** A server with its block count. */
    private record Sized(Server server, int blocks) {
        double amortizedSeconds() {
            return server.hopSeconds(blocks) / blocks;
        }
    }
}
