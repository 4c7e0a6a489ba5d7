package io.chainplan.optimizer.replan;

import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Server;
import java.util.List;

/** Shared small inputs of the replan tests. */
final class Fixtures {
    static final ModelSpec MODEL = new ModelSpec("m", 32, 437_500_000L, 33_600_000L);
    static final Server A = new Server("a", 40_000_000_000L, 0.05, 0.1);
    static final Server B = new Server("b", 20_000_000_000L, 0.06, 0.17);
    static final long T0 = 1_000_000L;

    private Fixtures() {
    }

    static PlanBasis basis(double rate, Server... servers) {
        return new PlanBasis(3, T0, MODEL, List.of(servers), rate, List.of());
    }

    static InputView view(double rate, double lower, double upper, Server... servers) {
        return new InputView(MODEL, List.of(servers), new DemandView(rate, lower, upper));
    }
}
