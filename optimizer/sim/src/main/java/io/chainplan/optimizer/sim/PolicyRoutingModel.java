package io.chainplan.optimizer.sim;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.router.policy.DispatchPolicy;
import io.chainplan.router.policy.DispatchState;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Routing by a router-library {@link DispatchPolicy} (JFFC, JSQ, JIQ, SED, SA-JSQ) over the chains
 * of a plan: the simulation runs the production {@link DispatchState}, so the simulated decisions are
 * the production decisions (DESIGN.md §2.1). Request ids are the dispatch tokens.
 */
public final class PolicyRoutingModel implements RoutingModel {
    private final DispatchPolicy policy;
    private final RoutingPlan plan;
    private final Chain[] chains;
    private final List<String> labels;

    /**
     * Creates the model.
     *
     * @param policy the dispatch policy
     * @param plan   the chains; chain {@code k} is route {@code k}
     */
    public PolicyRoutingModel(DispatchPolicy policy, RoutingPlan plan) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.plan = Objects.requireNonNull(plan, "plan");
        if (plan.chainCount() == 0) {
            throw new IllegalArgumentException("plan " + plan.epoch() + " of model " + plan.modelId() + " has no chains");
        }
        this.chains = plan.chains().toArray(new Chain[0]);
        List<String> l = new ArrayList<>();
        for (int k = 0; k < chains.length; k++) {
            l.add("chain-" + k);
        }
        this.labels = List.copyOf(l);
    }

    @Override
    public String name() {
        return policy.name();
    }

    @Override
    public List<String> routeLabels() {
        return labels;
    }

    @Override
    public int routeCapacity(int route) {
        return chains[route].capacity();
    }

    /**
     * The plan dispatched to.
     *
     * @return the plan
     */
    public RoutingPlan plan() {
        return plan;
    }

    @Override
    public RoutingRun newRun(RandomGenerator random) {
        DispatchState state = policy.newState(plan.chains(), random);
        Chain[] c = chains;
        return new RoutingRun() {
            @Override
            public void onArrival(SimContext ctx, int request) {
                int k = state.arrive(request);
                if (k >= 0) {
                    ctx.startService(request, k, ctx.sampleServiceSeconds(request, c[k]));
                }
            }

            @Override
            public void onDeparture(SimContext ctx, int request, int route) {
                long next = state.depart(route);
                if (next >= 0) {
                    int n = (int) next;
                    ctx.startService(n, route, ctx.sampleServiceSeconds(n, c[route]));
                }
            }
        };
    }
}
