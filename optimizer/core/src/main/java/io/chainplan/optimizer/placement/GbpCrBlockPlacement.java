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

    @Override
    public PlacementResult place(Fleet fleet, int cacheReservation) {
        Objects.requireNonNull(fleet, "fleet");
        if (cacheReservation < 1) {
            throw new IllegalArgumentException("cacheReservation must be >= 1, was " + cacheReservation);
        }
        ModelSpec model = fleet.model();
        List<Sized> sized = blocksPerServer(fleet, cacheReservation);
        long coverable = sized.stream().mapToLong(Sized::blocks).sum();
        if (coverable < model.blocks()) {
            return PlacementResult.infeasible(cacheReservation, coverable);
        }
        sized.sort(Comparator.comparingDouble(Sized::amortizedSeconds).thenComparing(s -> s.server.id()));
        double targetRate = fleet.arrivalRatePerSecond() / (fleet.targetLoad() * cacheReservation);
        return layOutChains(model, sized, cacheReservation, targetRate, coverable, extent == Extent.ALL_SERVERS);
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
    private static PlacementResult layOutChains(ModelSpec model, List<Sized> sorted, int c, double targetRate,
            long coverable, boolean allServers) {
        int blocks = model.blocks();
        List<ServerPlacement> placed = new ArrayList<>();
        int next = 0;
        double chainSeconds = 0;
        double rate = 0;
        int chains = 0;
        boolean reached = false;
        for (Sized s : sorted) {
            int start = Math.min(next, blocks - s.blocks);
            placed.add(ServerPlacement.of(model, s.server, new BlockRange(start, start + s.blocks)));
            chainSeconds += s.hopSeconds;
            next = start + s.blocks;
            if (next == blocks) {
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
        return new PlacementResult(c, true, new Placement(placed), chains, rate, reached, coverable);
    }

    /** A server with its block count m_j(c) and time t_j(c). */
    record Sized(Server server, int blocks, double hopSeconds) {
        double amortizedSeconds() {
            return hopSeconds / blocks;
        }
    }
}
