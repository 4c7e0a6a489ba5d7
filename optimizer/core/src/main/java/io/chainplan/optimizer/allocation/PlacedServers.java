package io.chainplan.optimizer.allocation;

import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.ServerPlacement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Array view of a placement for the allocation algorithms: server {@code j} (index in the
 * placement's id order) hosts {@code [start[j], end[j])}, has {@code slots[j]} cache slots and
 * hop time {@code tau_c[j] + tau_p[j] * m}.
 */
final class PlacedServers {
    final int blocks;
    final int count;
    final String[] ids;
    final int[] start;
    final int[] end;
    final long[] slots;
    private final double[] commSeconds;
    private final double[] computeSeconds;

    private PlacedServers(int blocks, List<ServerPlacement> placed, Map<String, Server> servers) {
        this.blocks = blocks;
        this.count = placed.size();
        ids = new String[count];
        start = new int[count];
        end = new int[count];
        slots = new long[count];
        commSeconds = new double[count];
        computeSeconds = new double[count];
        for (int j = 0; j < count; j++) {
            ServerPlacement sp = placed.get(j);
            Server s = servers.get(sp.serverId());
            if (s == null) {
                throw new IllegalArgumentException("placement names server " + sp.serverId() + " which is not in the fleet");
            }
            if (sp.range().end() > blocks) {
                throw new IllegalArgumentException("placement of server " + sp.serverId() + " " + sp.range()
                        + " exceeds the model's " + blocks + " blocks");
            }
            ids[j] = sp.serverId();
            start[j] = sp.range().start();
            end[j] = sp.range().end();
            slots[j] = sp.cacheSlots();
            commSeconds[j] = s.commSeconds();
            computeSeconds[j] = s.perBlockComputeSeconds();
        }
    }

    /**
     * @param fleet the fleet
     * @param placement the placement
     * @return the array view
     */
    static PlacedServers of(Fleet fleet, Placement placement) {
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(placement, "placement");
        Map<String, Server> byId = new HashMap<>();
        for (Server s : fleet.servers()) {
            byId.put(s.id(), s);
        }
        return new PlacedServers(fleet.model().blocks(), placement.servers(), byId);
    }

    /**
     * Hop cost into server {@code j} processing {@code m} blocks, computed exactly as
     * {@link Server#hopSeconds(int)} so that every implementation sees the same doubles.
     */
    double cost(int j, int m) {
        return commSeconds[j] + computeSeconds[j] * m;
    }
}
