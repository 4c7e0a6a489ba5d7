package io.chainplan.optimizer.tuning;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.optimizer.TestFleets;
import io.chainplan.optimizer.allocation.DijkstraGcaCacheAllocation;
import io.chainplan.optimizer.model.BlockRange;
import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Objective;
import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.ServerPlacement;
import io.chainplan.optimizer.validate.PlanValidator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CapacitySearchTest {
    private static final long SEED_FAST_VS_PLAIN = 31337L;
    private static final long SEED_VALID = 2718L;
    private static final long SEED_PER_C = 4242L;

    @Test
    void shouldSolvePaperExampleWithCOneIntoThreeChains() {
        Plan plan = new CapacitySearch().solve(TestFleets.paperExample(), 1);

        assertThat(plan.status()).isEqualTo(PlanStatus.OK);
        assertThat(plan.c()).isEqualTo(1);
        assertThat(plan.chains()).extracting(Chain::capacity).containsExactly(5, 5, 5);
        assertThat(plan.totalCapacity()).isEqualTo(15);
        assertThat(plan.bounds().lowerSeconds()).isLessThanOrEqualTo(plan.bounds().upperSeconds());
    }

    @Test
    void shouldSearchEveryCAndReturnAValidPlan() {
        Fleet fleet = TestFleets.paperExample();
        Plan plan = new CapacitySearch().solve(fleet);

        assertThat(CapacitySearch.maxCacheReservation(fleet)).isEqualTo(20);
        assertThat(plan.solver().candidatesTried()).isEqualTo(20);
        assertThat(plan.solver().placementsEvaluated()).isLessThan(20);
        assertThat(plan.status()).isEqualTo(PlanStatus.OK);
        assertThat(PlanValidator.violations(fleet, plan)).isEmpty();
    }

    @Test
    void shouldGiveTheSamePlanAsThePlainAlgorithmWithAnyParallelism() {
        SplittableRandom rnd = new SplittableRandom(SEED_FAST_VS_PLAIN);
        for (int run = 0; run < 40; run++) {
            Fleet fleet = TestFleets.random(rnd, 2 + rnd.nextInt(25), 1 + rnd.nextInt(12));
            for (Objective o : Objective.values()) {
                Plan plain = new CapacitySearch(o, 1, new DijkstraGcaCacheAllocation()).solve(fleet);
                Plan fast = new CapacitySearch(o, 2).solve(fleet);
                assertThat(fast).isEqualTo(plain);
            }
        }
    }

    @Test
    void shouldNotDependOnTheOrderOfServersInTheFleet() {
        SplittableRandom rnd = new SplittableRandom(SEED_FAST_VS_PLAIN + 1);
        Fleet fleet = TestFleets.random(rnd, 30, 12);
        List<Server> reversed = new ArrayList<>(fleet.servers());
        Collections.reverse(reversed);
        Fleet other = new Fleet(fleet.model(), reversed, fleet.arrivalRatePerSecond(), fleet.targetLoad());

        assertThat(new CapacitySearch().solve(other)).isEqualTo(new CapacitySearch().solve(fleet));
    }

    @Test
    void shouldPassTheValidatorOnRandomFleets() {
        SplittableRandom rnd = new SplittableRandom(SEED_VALID);
        for (int run = 0; run < 150; run++) {
            Fleet fleet = TestFleets.random(rnd, 1 + rnd.nextInt(40), 1 + rnd.nextInt(24));
            Plan plan = new CapacitySearch(Objective.values()[run % 3], 1).solve(fleet);
            assertThat(PlanValidator.violations(fleet, plan)).isEmpty();
            assertThat(plan.status() == PlanStatus.OK).isEqualTo(plan.arrivalRatePerSecond() < plan.totalServiceRatePerSecond());
        }
    }

    @Test
    void shouldReportInfeasibleWhenServersCannotHostTheModel() {
        ModelSpec model = new ModelSpec("m", 10, 10, 1);
        Fleet fleet = new Fleet(model, List.of(new Server("a", 50, 1, 0.1), new Server("b", 30, 1, 0.1)), 0.1, 0.7);

        Plan plan = new CapacitySearch().solve(fleet);

        assertThat(plan.status()).isEqualTo(PlanStatus.INFEASIBLE);
        assertThat(plan.reason()).contains("at most 6 of 10 blocks");
        assertThat(plan.chains()).isEmpty();
    }

    @Test
    void shouldReportInfeasibleForEmptyFleetAndTinyServers() {
        ModelSpec model = new ModelSpec("m", 2, 10, 1);
        assertThat(new CapacitySearch().solve(new Fleet(model, List.of(), 0.1, 0.7)).reason()).contains("no servers");
        Plan tiny = new CapacitySearch().solve(new Fleet(model, List.of(new Server("a", 10, 1, 0.1)), 0.1, 0.7));
        assertThat(tiny.status()).isEqualTo(PlanStatus.INFEASIBLE);
        assertThat(tiny.reason()).contains("one block plus one cache slot");
    }

    @Test
    void shouldReportUnstableWithTheFastestPlanItFound() {
        ModelSpec model = new ModelSpec("m", 2, 10, 1);
        Fleet fleet = new Fleet(model, List.of(new Server("a", 24, 1, 0.5)), 10, 0.7);

        Plan plan = new CapacitySearch().solve(fleet);

        assertThat(plan.status()).isEqualTo(PlanStatus.UNSTABLE);
        assertThat(plan.chains()).hasSize(1);
        assertThat(plan.totalServiceRatePerSecond()).isEqualTo(2 / 2.0);
        assertThat(plan.reason()).contains("carries arrival rate 10.0").contains("best total service rate 1.0");
        assertThat(plan.finiteBounds()).isEmpty();
    }

    @Test
    void shouldRedoOnlyTheCacheOnAKeptPlacement() {
        Fleet fleet = TestFleets.paperExample();
        Placement kept = new Placement(List.of(
                new ServerPlacement("1", new BlockRange(0, 1), 0),
                new ServerPlacement("2", new BlockRange(1, 3), 0),
                new ServerPlacement("gone", new BlockRange(0, 3), 0)));

        Plan plan = new CapacitySearch().allocateOnPlacement(fleet, kept);

        assertThat(plan.c()).isZero();
        assertThat(plan.placement().servers()).extracting(ServerPlacement::serverId).containsExactly("1", "2");
        assertThat(plan.chains()).singleElement().extracting(Chain::capacity).isEqualTo(5);
    }

    @Test
    void shouldReportInfeasibleWhenTheKeptPlacementCoversNothing() {
        Fleet fleet = TestFleets.paperExample();
        Plan plan = new CapacitySearch().allocateOnPlacement(fleet,
                new Placement(List.of(new ServerPlacement("1", new BlockRange(0, 1), 0))));

        assertThat(plan.status()).isEqualTo(PlanStatus.INFEASIBLE);
        assertThat(plan.reason()).contains("kept placement");
    }

    @Test
    void shouldChooseBySurrogateTheCWithSmallestTotalCapacity() {
        Fleet fleet = TestFleets.paperExample();
        Plan plan = new CapacitySearch(Objective.SURROGATE, 1).solve(fleet);
        var gbp = new io.chainplan.optimizer.placement.GbpCrBlockPlacement();
        long best = Long.MAX_VALUE;
        for (int c = 1; c <= CapacitySearch.maxCacheReservation(fleet); c++) {
            var r = gbp.place(fleet, c);
            if (r.feasible() && r.reachedTarget()) {
                best = Math.min(best, r.surrogate());
            }
        }
        assertThat(gbp.place(fleet, plan.c()).surrogate()).isEqualTo(best);
    }

    @Test
    void shouldPlanAroundServersReportingAbsurdMemoryWithBoundedWork() {
        ModelSpec model = new ModelSpec("llama-2-7b", 32, 437_500_000L, 33_600_000L);
        List<Server> servers = new ArrayList<>();
        servers.add(new Server("long-max", Long.MAX_VALUE, 0.4, 0.0239));
        servers.add(new Server("hundred-tb", 100_000_000_000_000L, 0.4, 0.0239));
        for (int i = 0; i < 7; i++) {
            servers.add(new Server("mig20-" + i, 20_000_000_000L, 0.4, 0.0373));
        }
        Fleet poisson = new Fleet(model, servers, 5.0, 0.7);
        Fleet bursty = poisson.withArrivals(new io.chainplan.optimizer.arrival.ArrivalModel.Mmpp2(20.0, 1.0, 0.2, 0.05));

        for (Fleet fleet : List.of(poisson, bursty)) {
            Plan plan = new CapacitySearch(Objective.LOWER_BOUND, 2).solve(fleet);

            assertThat(plan.status()).isEqualTo(PlanStatus.OK);
            assertThat(PlanValidator.violations(fleet, plan)).isEmpty();
            assertThat(plan.solver().candidatesTried()).isEqualTo(Integer.MAX_VALUE);
            assertThat(plan.solver().placementsEvaluated()).as("distinct placements evaluated")
                    .isLessThanOrEqualTo(2 * (servers.size() * model.blocks() + servers.size() + 1));
        }
    }

    @Test
    void shouldChooseTheCThatSolvingEveryCSeparatelyChooses() {
        SplittableRandom rnd = new SplittableRandom(SEED_PER_C);
        for (int run = 0; run < 40; run++) {
            Fleet fleet = TestFleets.random(rnd, 2 + rnd.nextInt(20), 1 + rnd.nextInt(12));
            for (Objective o : List.of(Objective.LOWER_BOUND, Objective.UPPER_BOUND)) {
                CapacitySearch search = new CapacitySearch(o, 2);
                Plan best = null;
                for (int c = 1; c <= CapacitySearch.maxCacheReservation(fleet); c++) {
                    Plan p = search.solve(fleet, c);
                    if (p.status() != PlanStatus.INFEASIBLE && (best == null || better(o, p, best))) {
                        best = p;
                    }
                }
                Plan searched = search.solve(fleet);
                if (best == null) {
                    assertThat(searched.status()).isEqualTo(PlanStatus.INFEASIBLE);
                } else {
                    assertThat(searched.c()).as("run %s, %s", run, o).isEqualTo(best.c());
                    assertThat(searched.chains()).isEqualTo(best.chains());
                }
            }
        }
    }

    /** The search's rule: the lowest finite score wins, ties to the smaller c; else the largest nu. */
    private static boolean better(Objective o, Plan p, Plan best) {
        double score = o == Objective.LOWER_BOUND ? p.bounds().lowerSeconds() : p.bounds().upperSeconds();
        double bestScore = o == Objective.LOWER_BOUND ? best.bounds().lowerSeconds() : best.bounds().upperSeconds();
        if (p.bounds().isFinite() || best.bounds().isFinite()) {
            return p.bounds().isFinite() && (!best.bounds().isFinite() || score < bestScore);
        }
        return p.totalServiceRatePerSecond() > best.totalServiceRatePerSecond();
    }
}
