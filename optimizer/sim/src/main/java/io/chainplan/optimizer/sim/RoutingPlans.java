package io.chainplan.optimizer.sim;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.router.dispatch.RoutingChain;
import io.chainplan.router.dispatch.RoutingHop;
import io.chainplan.router.dispatch.RoutingPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one place where the optimizer's {@link Plan} becomes the router library's {@link RoutingPlan}:
 * chain {@code k} of the plan (fastest first) becomes routing chain {@code k}, hops and block ranges
 * unchanged, capacity {@code c_k}, service time {@code T_k}.
 */
public final class RoutingPlans {
    private RoutingPlans() {
    }

    /**
     * Maps a plan's chains.
     *
     * @param plan  the plan (any status; an INFEASIBLE plan has no chains)
     * @param epoch the epoch to give the routing plan
     * @return the routing plan
     */
    public static RoutingPlan fromPlan(Plan plan, long epoch) {
        Objects.requireNonNull(plan, "plan");
        return fromChains(plan.modelId(), epoch, plan.chains());
    }

    /**
     * Maps a list of chains.
     *
     * @param modelId the model
     * @param epoch   the epoch
     * @param chains  the chains; chain {@code k} becomes routing chain {@code k}
     * @return the routing plan
     */
    public static RoutingPlan fromChains(String modelId, long epoch, List<Chain> chains) {
        List<RoutingChain> out = new ArrayList<>(chains.size());
        for (int k = 0; k < chains.size(); k++) {
            Chain c = chains.get(k);
            List<RoutingHop> hops = new ArrayList<>(c.hops().size());
            for (Hop h : c.hops()) {
                hops.add(new RoutingHop(h.serverId(), h.startBlock(), h.endBlock()));
            }
            out.add(new RoutingChain(k, hops, c.capacity(), c.serviceSeconds()));
        }
        return new RoutingPlan(modelId, epoch, out);
    }
}
