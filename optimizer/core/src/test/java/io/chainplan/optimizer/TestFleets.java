package io.chainplan.optimizer;

import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Server;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/** Fleets shared by the optimizer tests: the paper's worked example and seeded random fleets. */
public final class TestFleets {
    /** The one tolerance the tests share for floating comparisons. */
    public static final double TOLERANCE = 1e-9;

    private TestFleets() {
    }

    /**
     * The paper's toy example (§3, GCA example): 5 servers, L = 3, s_m = 1, s_c = 0.1 (scaled by 10
     * to whole bytes), M = 3 for server 2 and 2 for the others, tau_c = 2 for server 2 and 1 for the
     * others, tau_p of server l = l * eps, lambda = 0.3, rho_bar = 0.7.
     *
     * @return the fleet
     */
    public static Fleet paperExample() {
        double eps = 1e-3;
        ModelSpec model = new ModelSpec("toy", 3, 10, 1);
        List<Server> servers = new ArrayList<>();
        for (int l = 1; l <= 5; l++) {
            boolean two = l == 2;
            servers.add(new Server(Integer.toString(l), two ? 30 : 20, two ? 2.0 : 1.0, l * eps));
        }
        return new Fleet(model, servers, 0.3, 0.7);
    }

    /**
     * A random heterogeneous fleet.
     *
     * @param rnd randomness
     * @param servers J
     * @param blocks L
     * @return a fleet whose memory ranges from a fraction of the model to the whole model
     */
    public static Fleet random(RandomGenerator rnd, int servers, int blocks) {
        long blockBytes = 100;
        long cacheBytes = 1 + rnd.nextInt(10);
        ModelSpec model = new ModelSpec("random", blocks, blockBytes, cacheBytes);
        List<Server> list = new ArrayList<>();
        for (int j = 0; j < servers; j++) {
            long memory = blockBytes + (long) rnd.nextInt((int) (blockBytes * blocks * 1.3));
            double comm = rnd.nextInt(4) == 0 ? 0.5 : 0.05 + rnd.nextDouble();
            double compute = rnd.nextBoolean() ? 0.1 : 0.01 + rnd.nextDouble() * 0.2;
            list.add(new Server(String.format("s%03d", j), memory, comm, compute));
        }
        double lambda = rnd.nextDouble() * servers * 0.5;
        return new Fleet(model, list, lambda, 0.5 + rnd.nextDouble() * 0.4);
    }
}
