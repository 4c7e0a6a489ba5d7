package io.chainplan.optimizer.placement;

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
 * Greedy block placement with cache reservation (GBP-CR): the paper (arXiv 2604.14993), §3,
 * Algorithm 1, as specified in DESIGN.md §1.2. Every server hosts
 * {@code m_j(c) = min(floor(M_j / (s_m + s_c c)), L)} blocks; servers are taken by amortized time
 * {@code t_j(c) / m_j(c)} ascending and laid out in disjoint chains until the chains' total rate
 * reaches {@code lambda / (rho_bar c)}.
 * <p>O(J log J). Optimal for the paper's simplified problem when all servers have equal memory.
 * <p>Deviation (as DESIGN.md §1.2 prescribes): the last server of a chain is shifted back to end
 * exactly at block L, overlapping its predecessor; its time still counts all m_j(c) blocks.
 * <p>Extension (chainplan's burst-aware planning): with {@link Extent#ALL_SERVERS} the walk does not stop
 * at the target rate but goes on over every server, forming further chains the same way, so no server
 * is left idle (the last, incomplete chain keeps its blocks, as in step 4). Under bursty arrivals the
 * extra capacity drains bursts; whether it is worth it is the search's objective to judge.
 * <p>Runs of c ({@link #placeRun}): the result changes with c only where some {@code m_j(c)} drops or
 * the number of chains needed to reach the target rate does, so one placement answers a whole run of
 * c values; the search over c evaluates runs, at most {@code J * L + J + 1} of them, however much
 * memory a server reports.
 * <p>Deterministic: ties of the amortized time are broken by server id. Immutable and thread-safe.
 */
public final class GbpCrBlockPlacement implements BlockPlacement {
    /** How far the walk over the sorted servers goes. */
    public enum Extent {
        /** Stop once the chains' total rate reaches {@code lambda / (rho_bar c)}: the paper's Algorithm 1. */
        TARGET_RATE,
        /** Place every server that can host a block. */
        ALL_SERVERS
    }

    private final Extent extent;

    /** The paper's algorithm ({@link Extent#TARGET_RATE}); it reads lambda and rho_bar from the fleet. */
    public GbpCrBlockPlacement() {
        this(Extent.TARGET_RATE);
    }

    /**
     * @param extent how far the walk goes
     */
    public GbpCrBlockPlacement(Extent extent) {
        this.extent = Objects.requireNonNull(extent, "extent");
    }

    /**
     * A run of cache reservations with one outcome.
     *
     * @param result               GBP-CR's result at the run's first c
     * @param lastCacheReservation the run's last c: for every c from the first to this one the result
     *                             equals {@code result} in every field but c (when infeasible: every such
     *                             c is infeasible, with {@code coverableBlocks} at most the first's)
     */
    public record Run(PlacementResult result, int lastCacheReservation) {
        /** Validates the fields. */
        public Run {
            Objects.requireNonNull(result, "result");
            if (lastCacheReservation < result.cacheReservation()) {
                throw new IllegalArgumentException("a run must end at or after its first c " + result.cacheReservation()
                        + ", was " + lastCacheReservation);
            }
        }
    }

    @Override
    public PlacementResult place(Fleet fleet, int cacheReservation) {
        return walk(fleet, cacheReservation).result;
    }

    /**
     * GBP-CR for {@code cacheReservation} and how far its result holds: the largest {@code c'} up to
     * {@code maxCacheReservation} such that every c in between gives the same result (but for c). The
     * run ends where the first server's {@code m_j(c)} drops (integer arithmetic), or where the chains
     * needed to reach {@code lambda / (rho_bar c)} change (the same floating-point comparison as
     * {@link #place}); an infeasible c starts a run to the end, since {@code m_j(c)} never grows with c.
     * O(J log J + log(maxCacheReservation)).
     *
     * @param fleet               the fleet
     * @param cacheReservation    the run's first c, {@code >= 1}
     * @param maxCacheReservation the last c of interest, {@code >= cacheReservation}
     * @return the result and the run's last c
     */
    public Run placeRun(Fleet fleet, int cacheReservation, int maxCacheReservation) {
        if (maxCacheReservation < cacheReservation) {
            throw new IllegalArgumentException("maxCacheReservation " + maxCacheReservation + " must be >= "
                    + cacheReservation);
        }
        Walk w = walk(fleet, cacheReservation);
        if (!w.result.feasible()) {
            return new Run(w.result, maxCacheReservation);
        }
        int last = (int) Math.min(maxCacheReservation, lastSameBlocks(fleet.model(), w.sized));
        if (extent == Extent.TARGET_RATE && w.result.reachedTarget()) {
            if (w.result.completeChains() > 1) {
                last = lastBelowTarget(fleet, w.rateBeforeLastChain, cacheReservation, last);
            }
        } else if (!w.result.reachedTarget()) {
            last = lastBelowTarget(fleet, w.result.rateReached(), cacheReservation, last);
        }
        return new Run(w.result, last);
    }

    private Walk walk(Fleet fleet, int cacheReservation) {
        Objects.requireNonNull(fleet, "fleet");
        if (cacheReservation < 1) {
            throw new IllegalArgumentException("cacheReservation must be >= 1, was " + cacheReservation);
        }
        ModelSpec model = fleet.model();
        List<Sized> sized = blocksPerServer(fleet, cacheReservation);
        long coverable = sized.stream().mapToLong(Sized::blocks).sum();
        if (coverable < model.blocks()) {
            return new Walk(PlacementResult.infeasible(cacheReservation, coverable), sized, 0);
        }
        sized.sort(Comparator.comparingDouble(Sized::amortizedSeconds).thenComparing(s -> s.server.id()));
        return layOutChains(model, sized, cacheReservation, targetRate(fleet, cacheReservation), coverable,
                extent == Extent.ALL_SERVERS);
    }

    /** lambda / (rho_bar c): the rate the chains must reach (step 3), computed one way everywhere. */
    private static double targetRate(Fleet fleet, int c) {
        return fleet.arrivalRatePerSecond() / (fleet.targetLoad() * c);
    }

    /**
     * The last c at which every placed server still hosts as many blocks: {@code m_j(c) >= m} iff
     * {@code s_m + s_c c <= floor(M_j / m)}; servers hosting nothing never host more.
     */
    private static long lastSameBlocks(ModelSpec model, List<Sized> sized) {
        long last = Long.MAX_VALUE;
        for (Sized s : sized) {
            long perBlockLimit = s.server.memoryBytes() / s.blocks;
            last = Math.min(last, (perBlockLimit - model.blockBytes()) / model.cacheBytesPerBlockPerJob());
        }
        return last;
    }

    /** The largest c in [from, to] with {@code rate < targetRate(c)}, which holds at {@code from}; the target falls with c. */
    private static int lastBelowTarget(Fleet fleet, double rate, int from, int to) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (int) (((long) lo + hi + 1) >>> 1);
            if (rate < targetRate(fleet, mid)) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /**
     * Steps 1-2: m_j(c) and t_j(c) of every server that can host at least one block.
     *
     * @param fleet the fleet
     * @param c the cache reservation
     * @return mutable list, in fleet order
     */
    static List<Sized> blocksPerServer(Fleet fleet, int c) {
        ModelSpec model = fleet.model();
        long perBlock = Math.addExact(model.blockBytes(), Math.multiplyExact(model.cacheBytesPerBlockPerJob(), (long) c));
        List<Sized> out = new ArrayList<>();
        for (Server s : fleet.servers()) {
            int m = (int) Math.min(s.memoryBytes() / perBlock, model.blocks());
            if (m > 0) {
                out.add(new Sized(s, m, s.hopSeconds(m)));
            }
        }
        return out;
    }

    /**
     * Step 3-4: walk the sorted servers, forming disjoint chains until the target rate is reached (or,
     * with {@code allServers}, over every server; the result still tells whether and where the target was met).
     */
    private static Walk layOutChains(ModelSpec model, List<Sized> sorted, int c, double targetRate,
            long coverable, boolean allServers) {
        int blocks = model.blocks();
        List<ServerPlacement> placed = new ArrayList<>();
        int next = 0;
        double chainSeconds = 0;
        double rate = 0;
        double rateBefore = 0;
        int chains = 0;
        boolean reached = false;
        for (Sized s : sorted) {
            int start = Math.min(next, blocks - s.blocks);
            placed.add(ServerPlacement.of(model, s.server, new BlockRange(start, start + s.blocks)));
            chainSeconds += s.hopSeconds;
            next = start + s.blocks;
            if (next == blocks) {
                rateBefore = rate;
                rate += 1.0 / chainSeconds;
                chains++;
                next = 0;
                chainSeconds = 0;
                if (rate >= targetRate && !reached) {
                    reached = true;
                    if (!allServers) {
                        break;
                    }
                }
            }
        }
        return new Walk(new PlacementResult(c, true, new Placement(placed), chains, rate, reached, coverable), sorted,
                rateBefore);
    }

    /**
     * One walk: its result, the servers that can host a block, and the chains' rate before the last
     * complete chain (what the last chain's addition had to beat).
     */
    private record Walk(PlacementResult result, List<Sized> sized, double rateBeforeLastChain) {
    }

    /** A server with its block count m_j(c) and time t_j(c). */
    record Sized(Server server, int blocks, double hopSeconds) {
        double amortizedSeconds() {
            return hopSeconds / blocks;
        }
    }
}
