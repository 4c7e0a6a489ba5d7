package io.chainplan.router.dispatch;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Hop;
import java.util.ArrayList;
import java.util.List;

/** Small plans for tests: chain k has one hop on server "s{k}" over blocks [0, 4). */
public final class TestPlans {
    /** Model id of the test plans. */
    public static final String MODEL = "test-model";

    private TestPlans() {
    }

    /**
     * A plan with the given capacities and service times.
     *
     * @param epoch          the epoch
     * @param capacities     capacity per chain
     * @param serviceSeconds service time per chain
     * @return the plan
     */
    public static RoutingPlan plan(long epoch, int[] capacities, double[] serviceSeconds) {
        List<Chain> chains = new ArrayList<>();
        for (int k = 0; k < capacities.length; k++) {
            chains.add(new Chain(List.of(new Hop("s" + k, 0, 4)), capacities[k], serviceSeconds[k]));
        }
        return new RoutingPlan(MODEL, epoch, chains);
    }

    /**
     * {@code k} chains of equal capacity; chain i has service time {@code 1 + i}.
     *
     * @param epoch    the epoch
     * @param k        number of chains
     * @param capacity capacity of each
     * @return the plan
     */
    public static RoutingPlan uniform(long epoch, int k, int capacity) {
        int[] c = new int[k];
        double[] t = new double[k];
        for (int i = 0; i < k; i++) {
            c[i] = capacity;
            t[i] = 1.0 + i;
        }
        return plan(epoch, c, t);
    }
}
