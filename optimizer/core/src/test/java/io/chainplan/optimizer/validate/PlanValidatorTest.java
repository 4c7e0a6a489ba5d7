package io.chainplan.optimizer.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.optimizer.TestFleets;
import io.chainplan.optimizer.model.BlockRange;
import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.model.ServerPlacement;
import io.chainplan.optimizer.tuning.CapacitySearch;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanValidatorTest {
    private final Fleet fleet = TestFleets.paperExample();
    private final Plan good = new CapacitySearch().solve(fleet, 1);

    private Plan withChains(List<Chain> chains) {
        return new Plan(good.modelId(), good.status(), good.reason(), good.c(), good.arrivalRatePerSecond(),
                good.placement(), chains, good.totalServiceRatePerSecond(), good.bounds(), good.solver());
    }

    @Test
    void shouldAcceptTheSolversPlan() {
        assertThat(PlanValidator.violations(fleet, good)).isEmpty();
    }

    @Test
    void shouldRejectAChainWithAGap() {
        // contiguity is the Chain type's own invariant: such a chain cannot reach the validator
        assertThatThrownBy(() -> new Chain(List.of(new Hop("1", 0, 1), new Hop("2", 2, 3)), 5, 1.0))
                .hasMessageContaining("starts at block 2 but the previous hop ends at 1");
    }

    @Test
    void shouldRejectAHopOutsideItsServersRange() {
        List<Chain> chains = new ArrayList<>(good.chains());
        chains.set(0, new Chain(List.of(new Hop("1", 0, 2), new Hop("2", 2, 3)), 5, chains.get(0).serviceSeconds()));

        assertThat(PlanValidator.violations(fleet, withChains(chains))).anyMatch(v -> v.contains("must lie inside"));
    }

    @Test
    void shouldRejectCapacityBeyondTheCacheSlots() {
        List<Chain> chains = new ArrayList<>(good.chains());
        Chain first = chains.get(0);
        chains.set(0, new Chain(first.hops(), 6, first.serviceSeconds()));

        assertThat(PlanValidator.violations(fleet, withChains(chains)))
                .anyMatch(v -> v.contains("server 1: chains use 11 cache slots but it has 10"));
    }

    @Test
    void shouldRejectAWrongServiceTimeAndAWrongTotalRate() {
        List<Chain> chains = new ArrayList<>(good.chains());
        Chain first = chains.get(0);
        chains.set(0, new Chain(first.hops(), first.capacity(), first.serviceSeconds() * 0.5));

        assertThat(PlanValidator.violations(fleet, withChains(chains)))
                .anyMatch(v -> v.contains("reports service time"))
                .anyMatch(v -> v.contains("total service rate reported"));
    }

    @Test
    void shouldRejectMemoryOverflowAndChainsOutOfOrder() {
        Placement overfull = new Placement(List.of(new ServerPlacement("1", new BlockRange(0, 1), 11),
                new ServerPlacement("2", new BlockRange(1, 3), 10)));
        Plan p = new Plan(good.modelId(), PlanStatus.OK, "", 1, good.arrivalRatePerSecond(), overfull,
                List.of(good.chains().get(1), good.chains().get(0)), good.totalServiceRatePerSecond(), good.bounds(),
                good.solver());

        assertThat(PlanValidator.violations(fleet, p))
                .anyMatch(v -> v.contains("server 1: weights of 1 blocks plus 11 cache slots need 21 bytes"))
                .anyMatch(v -> v.contains("fastest first"))
                .anyMatch(v -> v.contains("hosts no blocks"));
        assertThatThrownBy(() -> PlanValidator.requireValid(fleet, p)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("invalid plan for model toy");
    }

    @Test
    void shouldRejectAnOkStatusThatIsNotStable() {
        Plan p = new Plan(good.modelId(), PlanStatus.OK, "", 1, good.arrivalRatePerSecond(), good.placement(),
                good.chains(), good.totalServiceRatePerSecond(), good.bounds(), good.solver());
        Fleet busy = fleet.withArrivalRate(100);
        Plan q = new Plan(p.modelId(), PlanStatus.OK, "", 1, 100, p.placement(), p.chains(),
                p.totalServiceRatePerSecond(), p.bounds(), p.solver());

        assertThat(PlanValidator.violations(fleet, p)).isEmpty();
        assertThat(PlanValidator.violations(busy, q)).anyMatch(v -> v.contains("status OK but arrival rate 100.0"));
    }
}
