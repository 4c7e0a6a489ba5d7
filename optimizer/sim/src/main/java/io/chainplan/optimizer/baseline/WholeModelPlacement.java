package io.chainplan.optimizer.baseline;

import io.chainplan.optimizer.allocation.Allocation;
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
 * The whole model on every server that can hold it, served by JFFC (arXiv 2604.14993, §6.2,
 * baseline "whole model + JFFC"; DESIGN.md §1.3): each such server is a single-server chain with
 * capacity {@code floor((M_j - s_m L) / (s_c L))} and service time {@code tau_c[j] + L tau_p[j]}.
 * Servers that cannot hold the weights and one request's cache on all L blocks host nothing.
 * <p>O(J log J). Deterministic: chains fastest first, ties by server id. Immutable and thread-safe.
 */
public final class WholeModelPlacement {
    /** Creates the placement. */
    public WholeModelPlacement() {
        // stateless
    }

    /**
     * Places the whole model.
     *
     * @param fleet model and servers
     * @return the placement and its single-server chains (no chains if no server can hold the model)
     */
    public Result place(Fleet fleet) {
        Objects.requireNonNull(fleet, "fleet");
        ModelSpec model = fleet.model();
        int blocks = model.blocks();
        List<ServerPlacement> placed = new ArrayList<>();
        List<Chain> chains = new ArrayList<>();
        for (Server s : fleet.servers()) {
            long capacity = capacity(model, s);
            if (capacity >= 1) {
                int c = (int) Math.min(capacity, Integer.MAX_VALUE);
                placed.add(ServerPlacement.of(model, s, new BlockRange(0, blocks)));
                chains.add(new Chain(List.of(new Hop(s.id(), 0, blocks)), c, s.hopSeconds(blocks)));
            }
        }
        chains.sort(Comparator.comparingDouble(Chain::serviceSeconds).thenComparing(k -> k.hops().get(0).serverId()));
        return new Result(new Placement(placed), new Allocation(chains));
    }

    /**
     * @param model the model
     * @param server a server
     * @return {@code floor((M_j - s_m L) / (s_c L))}, or 0 if negative
     */
    static long capacity(ModelSpec model, Server server) {
        long free = server.memoryBytes() - Math.multiplyExact(model.blockBytes(), (long) model.blocks());
        return free <= 0 ? 0 : free / Math.multiplyExact(model.cacheBytesPerBlockPerJob(), (long) model.blocks());
    }

    /**
     * The whole-model placement.
     *
     * @param placement servers hosting {@code [0, L)}, with their cache slots
     * @param allocation single-server chains, fastest first
     */
    public record Result(Placement placement, Allocation allocation) {
        /** Validates the fields. */
        public Result {
            Objects.requireNonNull(placement, "placement");
            Objects.requireNonNull(allocation, "allocation");
        }
    }
}
