package io.chainplan.optimizer.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.optimizer.TestFleets;
import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Objective;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.placement.GbpCrBlockPlacement;
import io.chainplan.optimizer.tuning.CapacitySearch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The exact surrogate optimum on tiny instances, and the optimality gap of GBP-CR + GCA against it
 * (printed; run with {@code -Dchainplan.gap.instances=N} for a larger sample).
 */
class ExactSurrogateSolverTest {
    private static final long SEED_GAP = 20260414L;

    private static Chain chain(double seconds, int capacity) {
        return new Chain(List.of(new Hop("s", 0, 1)), capacity, seconds);
    }

    @Test
    void shouldCountUnitsFastestFirst() {
        List<Chain> chains = List.of(chain(4.0, 10), chain(1.0, 2));

        assertThat(ExactSurrogateSolver.capacityToReach(chains, 1.5)).isEqualTo(2);
        assertThat(ExactSurrogateSolver.capacityToReach(chains, 2.0)).isEqualTo(2);
        assertThat(ExactSurrogateSolver.capacityToReach(chains, 2.5)).isEqualTo(4);
        assertThat(ExactSurrogateSolver.capacityToReach(chains, 5.0)).isEqualTo(-1);
    }

    @Test
    void shouldFindTheOptimumOfThePaperExample() {
        Fleet fleet = TestFleets.paperExample();

        ExactSurrogateSolver.Result r = ExactSurrogateSolver.solve(fleet);

        assertThat(r.reachable()).isTrue();
        assertThat(r.totalCapacity()).isEqualTo(2);
        Plan plan = new CapacitySearch(Objective.SURROGATE, 1).solve(fleet);
        assertThat(ExactSurrogateSolver.capacityToReach(plan.chains(), 0.3 / 0.7)).isEqualTo(2);
    }

    @Test
    void shouldPreferOneFastServerToALongChainWhenMemoryAllows() {
        ModelSpec model = new ModelSpec("m", 4, 10, 1);
        Fleet fleet = new Fleet(model, List.of(new Server("big", 44, 0.1, 0.1), new Server("a", 21, 0.1, 0.01),
                new Server("b", 21, 0.1, 0.01)), 1.0, 0.5);

        ExactSurrogateSolver.Result r = ExactSurrogateSolver.solve(fleet);

        // big alone: 0.5 s, 4 slots = one request on 4 blocks, rate 2 = target: 1 unit; a and b cannot help
        assertThat(r.totalCapacity()).isEqualTo(1);
        assertThat(r.chains()).singleElement().extracting(Chain::serverIds).isEqualTo(List.of("big"));
    }

    @Test
    void shouldRejectInstancesTooLargeToEnumerate() {
        ModelSpec model = new ModelSpec("m", 9, 10, 1);
        Fleet fleet = new Fleet(model, List.of(new Server("a", 100, 1, 0.1)), 0.1, 0.7);

        assertThatThrownBy(() -> ExactSurrogateSolver.solve(fleet)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("L = 9");
    }

    @Test
    void shouldNeverBeatTheExactOptimumAndReportTheGap() {
        int instances = Integer.getInteger("chainplan.gap.instances", 40);
        SplittableRandom rnd = new SplittableRandom(SEED_GAP);
        List<Double> chosenGaps = new ArrayList<>();
        List<Double> hindsightGaps = new ArrayList<>();
        int misses = 0;
        int tries = 0;
        while (chosenGaps.size() + misses < instances) {
            tries++;
            Fleet fleet = tinyFleet(rnd);
            ExactSurrogateSolver.Result exact = ExactSurrogateSolver.solve(fleet);
            if (!exact.reachable()) {
                continue;
            }
            double target = fleet.arrivalRatePerSecond() / fleet.targetLoad();
            Plan chosen = new CapacitySearch(Objective.SURROGATE, 1).solve(fleet);
            long heuristic = chosen.status() == PlanStatus.INFEASIBLE ? -1
                    : ExactSurrogateSolver.capacityToReach(chosen.chains(), target);
            long hindsight = bestOverC(fleet, target);
            if (hindsight >= 0) {
                assertThat(hindsight).isGreaterThanOrEqualTo(exact.totalCapacity());
                hindsightGaps.add((double) (hindsight - exact.totalCapacity()) / exact.totalCapacity());
            }
            if (heuristic < 0) {
                misses++;
                continue;
            }
            assertThat(heuristic).isGreaterThanOrEqualTo(exact.totalCapacity());
            chosenGaps.add((double) (heuristic - exact.totalCapacity()) / exact.totalCapacity());
        }
        System.out.println("[gap] instances " + instances + " (of " + tries + " generated; unreachable targets skipped),"
                + " J 3-5, L 3-6, seed " + SEED_GAP);
        System.out.println("[gap] GBP-CR+GCA, c chosen by c*K(c): " + summary(chosenGaps)
                + "; target not reached by the chosen plan: " + misses);
        System.out.println("[gap] GBP-CR+GCA, best c in hindsight: " + summary(hindsightGaps));
        assertThat(chosenGaps).isNotEmpty();
    }

    private static long bestOverC(Fleet fleet, double target) {
        long best = -1;
        CapacitySearch search = new CapacitySearch(Objective.SURROGATE, 1);
        for (int c = 1; c <= CapacitySearch.maxCacheReservation(fleet); c++) {
            if (!new GbpCrBlockPlacement().place(fleet, c).feasible()) {
                continue;
            }
            long v = ExactSurrogateSolver.capacityToReach(search.solve(fleet, c).chains(), target);
            if (v >= 0 && (best < 0 || v < best)) {
                best = v;
            }
        }
        return best;
    }

    private static String summary(List<Double> gaps) {
        if (gaps.isEmpty()) {
            return "none";
        }
        double[] g = gaps.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        long optimal = Arrays.stream(g).filter(x -> x == 0).count();
        return String.format(Locale.ROOT, "n %d, optimal %d (%.0f%%), mean %.1f%%, median %.1f%%, p90 %.1f%%, max %.1f%%",
                g.length, optimal, 100.0 * optimal / g.length, 100 * Arrays.stream(g).average().orElse(0),
                100 * g[g.length / 2], 100 * g[(int) Math.min(g.length - 1, Math.floor(0.9 * g.length))], 100 * g[g.length - 1]);
    }

    /** J 3-5, L 3-6, servers holding 1-3 blocks plus some cache, heterogeneous speeds. */
    private static Fleet tinyFleet(SplittableRandom rnd) {
        int blocks = 3 + rnd.nextInt(4);
        ModelSpec model = new ModelSpec("tiny", blocks, 10, 1 + rnd.nextInt(2));
        int j = 3 + rnd.nextInt(3);
        List<Server> servers = new ArrayList<>();
        for (int i = 0; i < j; i++) {
            long memory = 10L * (1 + rnd.nextInt(3)) + 2 + rnd.nextInt(20);
            servers.add(new Server("s" + i, memory, 0.05 + rnd.nextDouble(), 0.01 + rnd.nextDouble() * 0.2));
        }
        return new Fleet(model, servers, 0.2 + rnd.nextDouble() * 3, 0.7);
    }
}
