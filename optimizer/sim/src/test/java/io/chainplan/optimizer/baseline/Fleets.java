package io.chainplan.optimizer.baseline;

import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Server;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small hand-checkable fleets and seeded random fleets for the baseline tests. */
final class Fleets {
    /** L = 6 blocks of 10 bytes, 1 byte of cache per block per request. */
    static final ModelSpec TOY = new ModelSpec("toy", 6, 10, 1);
    /** Tolerance shared by the baseline tests. */
    static final double TOLERANCE = 1e-9;

    private Fleets() {
    }

    static Server server(String id, long memory, double comm, double perBlock) {
        return new Server(id, memory, comm, perBlock);
    }

    static Fleet fleet(ModelSpec model, double lambda, Server... servers) {
        return new Fleet(model, List.of(servers), lambda, 0.7);
    }

    /**
     * A random fleet in the style of the paper: BLOOM-like sizes scaled down, two server classes.
     *
     * @param seed the seed
     * @param servers how many servers
     * @return the fleet
     */
    static Fleet random(long seed, int servers) {
        SplittableRandom r = new SplittableRandom(seed);
        ModelSpec model = new ModelSpec("rnd", 12, 130, 11);
        List<Server> list = new ArrayList<>();
        for (int i = 0; i < servers; i++) {
            boolean fast = r.nextInt(3) == 0;
            list.add(new Server(String.format("s%02d", i), fast ? 4000 : 2000 + r.nextInt(400),
                    0.05 + r.nextDouble() * 0.3, fast ? 0.109 : 0.175));
        }
        return new Fleet(model, list, 0.5, 0.7);
    }
}
