package io.chainplan.optimizer.sim;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.router.policy.DispatchPolicy;
import io.chainplan.router.policy.DispatchState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * {@code N} independent frontends sharing a plan's chains by a static split of every chain's
 * capacity, each with its own dispatcher (its own queue): what several routers embedding the
 * {@code Dispatcher} would do if each were given {@code 1/N} of the plan instead of a central queue
 * (issue 14, DESIGN.md §2.5). Arrivals are dealt to the frontends in turn (round robin, the most even
 * split a load balancer can make); a frontend never uses another's slots.
 * <p>The split: chain {@code k}'s capacity {@code c_k} gives {@code floor(c_k / N)} slots to every
 * frontend and one more to {@code c_k mod N} of them, starting at frontend {@code k mod N}, so that the
 * remainders are spread and every slot is used by someone. Each frontend runs the production
 * {@link DispatchState} of the policy over its share; {@code N = 1} is the central queue
 * ({@link PolicyRoutingModel}).
 * <p>Routes are the plan's chains (utilisation per chain, all frontends together). Immutable.
 */
public final class PartitionedRoutingModel implements RoutingModel {
    private final DispatchPolicy policy;
    private final RoutingPlan plan;
    private final int frontends;
    /** {@code share[f][k]}: slots of chain {@code k} frontend {@code f} owns. */
    private final int[][] share;
    private final List<String> labels;

    private PartitionedRoutingModel(DispatchPolicy policy, RoutingPlan plan, int frontends, int[][] share) {
        this.policy = policy;
        this.plan = plan;
        this.frontends = frontends;
        this.share = share;
        List<String> l = new ArrayList<>();
        for (int k = 0; k < plan.chainCount(); k++) {
            l.add("chain-" + k);
        }
        this.labels = List.copyOf(l);
    }

    /**
     * Splits a plan among frontends.
     *
     * @param policy    each frontend's dispatch policy
     * @param plan      the plan
     * @param frontends {@code N >= 1}
     * @return the model, or empty if some frontend would get no slot at all (its requests could never
     *         be served: the plan has fewer slots than frontends)
     */
    public static Optional<PartitionedRoutingModel> of(DispatchPolicy policy, RoutingPlan plan, int frontends) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(plan, "plan");
        if (frontends < 1) {
            throw new IllegalArgumentException("frontends must be >= 1, was " + frontends);
        }
        int[][] share = split(plan.chains(), frontends);
        for (int[] s : share) {
            if (Arrays.stream(s).sum() == 0) {
                return Optional.empty();
            }
        }
        return Optional.of(new PartitionedRoutingModel(policy, plan, frontends, share));
    }

    /**
     * The static split (class doc).
     *
     * @param chains    the chains
     * @param frontends N
     * @return {@code share[f][k]}
     */
    static int[][] split(List<Chain> chains, int frontends) {
        int[][] share = new int[frontends][chains.size()];
        for (int k = 0; k < chains.size(); k++) {
            int c = chains.get(k).capacity();
            for (int f = 0; f < frontends; f++) {
                int rotated = Math.floorMod(f - k, frontends);
                share[f][k] = c / frontends + (rotated < c % frontends ? 1 : 0);
            }
        }
        return share;
    }

    /** @return N */
    public int frontends() {
        return frontends;
    }

    @Override
    public String name() {
        return policy.name() + "/" + frontends + "-frontends";
    }

    @Override
    public List<String> routeLabels() {
        return labels;
    }

    @Override
    public int routeCapacity(int route) {
        return plan.chains().get(route).capacity();
    }

    @Override
    public RoutingRun newRun(RandomGenerator random) {
        return new Run(random);
    }

    /** One frontend: its share of the chains and its dispatch state over them. */
    private static final class Frontend {
        final int[] global;
        final DispatchState state;

        Frontend(int[] global, DispatchState state) {
            this.global = global;
            this.state = state;
        }
    }

    private final class Run implements RoutingRun {
        private final Frontend[] fronts = new Frontend[frontends];
        /** {@code local[f][k]}: frontend f's index of global chain k, -1 if it has no slot on it. */
        private final int[][] local = new int[frontends][];
        private int[] frontOf = new int[64];
        private long arrivals;

        Run(RandomGenerator random) {
            for (int f = 0; f < frontends; f++) {
                List<Chain> mine = new ArrayList<>();
                List<Integer> global = new ArrayList<>();
                local[f] = new int[plan.chainCount()];
                Arrays.fill(local[f], -1);
                for (int k = 0; k < plan.chainCount(); k++) {
                    if (share[f][k] > 0) {
                        Chain c = plan.chains().get(k);
                        local[f][k] = mine.size();
                        mine.add(new Chain(c.hops(), share[f][k], c.serviceSeconds()));
                        global.add(k);
                    }
                }
                fronts[f] = new Frontend(global.stream().mapToInt(Integer::intValue).toArray(),
                        policy.newState(mine, random));
            }
        }

        @Override
        public void onArrival(SimContext ctx, int request) {
            int f = (int) (arrivals++ % frontends);
            if (request >= frontOf.length) {
                frontOf = Arrays.copyOf(frontOf, Math.max(request + 1, 2 * frontOf.length));
            }
            frontOf[request] = f;
            Frontend fr = fronts[f];
            int k = fr.state.arrive(request);
            if (k >= 0) {
                start(ctx, fr, request, k);
            }
        }

        @Override
        public void onDeparture(SimContext ctx, int request, int route) {
            int f = frontOf[request];
            Frontend fr = fronts[f];
            int k = local[f][route];
            long next = fr.state.depart(k);
            if (next >= 0) {
                start(ctx, fr, (int) next, k);
            }
        }

        private void start(SimContext ctx, Frontend fr, int request, int k) {
            int route = fr.global[k];
            ctx.startService(request, route, ctx.sampleServiceSeconds(request, plan.chains().get(route)));
        }
    }
}
