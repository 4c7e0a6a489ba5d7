package io.chainplan.optimizer.sim;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.optimizer.model.Server;
import io.chainplan.router.dispatch.RoutingChain;
import io.chainplan.router.dispatch.RoutingPlan;
import java.util.ArrayList;
import java.util.List;

/** Builds the {@link SimRoute}s of chains. */
public final class SimRoutes {
    private SimRoutes() {
    }

    /**
     * Routes known only by their mean service time {@code T_k} (enough for exponential service).
     *
     * @param plan the routing plan
     * @return one route per chain, chain order
     */
    public static List<SimRoute> meansOnly(RoutingPlan plan) {
        List<SimRoute> out = new ArrayList<>();
        for (RoutingChain c : plan.chains()) {
            out.add(SimRoute.ofMean(c.serviceSeconds()));
        }
        return out;
    }

    /**
     * Routes with hops and server timings from the fleet (enough for token-driven service).
     *
     * @param chains the chains
     * @param fleet  the fleet holding every server the chains use
     * @return one route per chain, same order
     * @throws IllegalArgumentException if a hop names a server the fleet does not have
     */
    public static List<SimRoute> withHops(List<Chain> chains, Fleet fleet) {
        List<SimRoute> out = new ArrayList<>();
        for (Chain c : chains) {
            List<SimHop> hops = new ArrayList<>();
            for (Hop h : c.hops()) {
                Server s = fleet.server(h.serverId()).orElseThrow(() -> new IllegalArgumentException(
                        "chain hop names server " + h.serverId() + " which is not in the fleet"));
                hops.add(new SimHop(s.id(), h.blocks(), s.commSeconds(), s.perBlockComputeSeconds()));
            }
            out.add(new SimRoute(c.serviceSeconds(), hops));
        }
        return out;
    }
}
