package io.chainplan.router;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.PlanChain;
import io.chainplan.schemas.avro.PlanHop;
import java.util.ArrayList;
import java.util.List;

/** Maps the Avro {@link ChainPlan} of {@code chainplan.plans} to a {@link RoutingPlan}: the router's boundary. */
final class AvroPlans {
    private AvroPlans() {
    }

    /**
     * Maps a plan's chains, in their order, to routing chains 0..K-1.
     *
     * @param plan the Avro plan
     * @return the routing plan
     * @throws IllegalArgumentException if the plan has no chains or a chain is malformed
     */
    static RoutingPlan toRoutingPlan(ChainPlan plan) {
        List<Chain> chains = new ArrayList<>();
        for (PlanChain c : plan.getChains()) {
            List<Hop> hops = new ArrayList<>();
            for (PlanHop h : c.getHops()) {
                hops.add(new Hop(h.getServerId(), h.getStartBlock(), h.getEndBlock()));
            }
            chains.add(new Chain(hops, c.getCapacity(), c.getServiceSeconds()));
        }
        if (chains.isEmpty()) {
            throw new IllegalArgumentException("plan epoch " + plan.getEpoch() + " of model " + plan.getModelId()
                    + " has no chains");
        }
        return new RoutingPlan(plan.getModelId(), plan.getEpoch(), chains);
    }
}
