package io.chainplan.optimizer.replan;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.optimizer.model.BlockRange;
import io.chainplan.optimizer.model.Bounds;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Objective;
import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.ServerPlacement;
import io.chainplan.optimizer.model.SolverStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplannerTest {
    private static final ModelSpec MODEL = new ModelSpec("m", 10, 100, 10);
    private static final Server A = new Server("a", 2_000, 0.1, 0.1);
    private static final Server B = new Server("b", 2_000, 0.1, 0.1);
    private static final Fleet FLEET = new Fleet(MODEL, List.of(A, B), 1.0, 0.7);

    /** Returns fixed plans and records what it was asked. */
    private static final class FakeSolver implements Solver {
        final double fullLower;
        final double keepLower;
        final List<Placement> keptAsked = new ArrayList<>();

        FakeSolver(double fullLower, double keepLower) {
            this.fullLower = fullLower;
            this.keepLower = keepLower;
        }

        @Override
        public Plan solveFull(Fleet fleet, Objective objective) {
            Placement p = new Placement(List.of(ServerPlacement.of(MODEL, A, new BlockRange(0, 10)),
                    ServerPlacement.of(MODEL, B, new BlockRange(0, 10))));
            return plan(p, 3, fullLower);
        }

        @Override
        public Plan solveOnPlacement(Fleet fleet, Objective objective, Placement placement) {
            keptAsked.add(placement);
            return plan(placement, 0, keepLower);
        }

        private static Plan plan(Placement p, int c, double lower) {
            return new Plan("m", PlanStatus.OK, "", c, 1.0, p, List.of(), 2.0, new Bounds(lower, lower * 2),
                    new SolverStats(0, Objective.LOWER_BOUND, 1, 1));
        }
    }

    private static Placement previous() {
        return new Placement(List.of(
                ServerPlacement.of(MODEL, A, new BlockRange(0, 5)),
                ServerPlacement.of(MODEL, B, new BlockRange(5, 10)),
                new ServerPlacement("gone", new BlockRange(0, 10), 3)));
    }

    @Test
    void shouldKeepThePlacementWhenTheGainIsSmall() {
        FakeSolver solver = new FakeSolver(9.8, 10.0);
        ReplanResult r = new Replanner(solver, 0.05).replan(FLEET, Objective.LOWER_BOUND, Optional.of(previous()));
        assertThat(r.keptPlacement()).isTrue();
        assertThat(r.plan().c()).isZero();
        assertThat(r.diff().blocksMoved()).isZero();
        assertThat(r.keepLower()).hasValue(10.0);
        assertThat(r.replaceLower()).hasValue(9.8);
        assertThat(solver.keptAsked.get(0).servers()).extracting(ServerPlacement::serverId)
                .as("the server that is down is not kept").containsExactly("a", "b");
    }

    @Test
    void shouldMoveAndCountMovedBlocksWhenTheGainIsLarge() {
        ReplanResult r = new Replanner(new FakeSolver(5.0, 10.0), 0.05)
                .replan(FLEET, Objective.LOWER_BOUND, Optional.of(previous()));
        assertThat(r.keptPlacement()).isFalse();
        assertThat(r.plan().c()).isEqualTo(3);
        assertThat(r.diff().blocksMoved()).isEqualTo(10);
        assertThat(r.diff().bytesMoved()).isEqualTo(1_000);
        assertThat(r.decision()).startsWith("replace");
    }

    @Test
    void shouldSolveOnlyTheFullSearchWithoutAPreviousPlacement() {
        FakeSolver solver = new FakeSolver(5.0, 10.0);
        ReplanResult r = new Replanner(solver, 0.05).replan(FLEET, Objective.LOWER_BOUND, Optional.empty());
        assertThat(solver.keptAsked).isEmpty();
        assertThat(r.keepLower()).isEmpty();
        assertThat(r.diff().blocksMoved()).isEqualTo(20);
    }

    @Test
    void shouldNotKeepARangeThatNoLongerFitsInMemory() {
        Fleet shrunk = new Fleet(MODEL, List.of(new Server("a", 400, 0.1, 0.1), B), 1.0, 0.7);
        Placement kept = Replanner.keepable(shrunk, previous());
        assertThat(kept.servers()).extracting(ServerPlacement::serverId).containsExactly("b");
        assertThat(kept.servers().get(0).cacheSlots()).isEqualTo((2_000 - 500) / 10);
    }
}
