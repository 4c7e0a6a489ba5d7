package io.chainplan.optimizer.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.optimizer.TestFleets;
import io.chainplan.optimizer.model.BlockRange;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.ServerPlacement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GbpCrBlockPlacementTest {
    private static final long SEED_INVARIANTS = 20260401L;
    private static final long SEED_RUNS = 20260419L;

    private final GbpCrBlockPlacement gbp = new GbpCrBlockPlacement();

    @Test
    void shouldFormTwoChainsInPaperExampleWithCOne() {
        PlacementResult r = gbp.place(TestFleets.paperExample(), 1);

        assertThat(r.feasible()).isTrue();
        assertThat(r.completeChains()).isEqualTo(2);
        assertThat(r.reachedTarget()).isTrue();
        assertThat(r.surrogate()).isEqualTo(2);
        assertThat(r.placement().servers()).extracting(ServerPlacement::serverId, ServerPlacement::range)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("1", new BlockRange(0, 1)),
                        org.assertj.core.groups.Tuple.tuple("2", new BlockRange(1, 3)),
                        org.assertj.core.groups.Tuple.tuple("3", new BlockRange(0, 1)),
                        org.assertj.core.groups.Tuple.tuple("4", new BlockRange(1, 2)),
                        org.assertj.core.groups.Tuple.tuple("5", new BlockRange(2, 3)));
        assertThat(r.placement().servers()).extracting(ServerPlacement::cacheSlots).containsOnly(10);
    }

    @Test
    void shouldShiftTheLastServerBackSoTheChainEndsAtL() {
        ModelSpec model = new ModelSpec("m", 5, 10, 1);
        Fleet fleet = new Fleet(model, List.of(
                new Server("a", 33, 1.0, 0.01), new Server("b", 33, 1.0, 0.02)), 0.01, 0.7);

        PlacementResult r = gbp.place(fleet, 1);

        assertThat(r.placement().server("a").orElseThrow().range()).isEqualTo(new BlockRange(0, 3));
        assertThat(r.placement().server("b").orElseThrow().range()).isEqualTo(new BlockRange(2, 5));
        assertThat(r.completeChains()).isEqualTo(1);
    }

    @Test
    void shouldBreakTiesByServerIdWhateverTheFleetOrder() {
        List<Server> servers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            servers.add(new Server("s" + i, 22, 1.0, 0.1));
        }
        ModelSpec model = new ModelSpec("m", 4, 10, 1);
        PlacementResult sorted = gbp.place(new Fleet(model, servers, 0.2, 0.7), 1);
        Collections.reverse(servers);
        PlacementResult reversed = gbp.place(new Fleet(model, servers, 0.2, 0.7), 1);

        assertThat(reversed).isEqualTo(sorted);
        assertThat(sorted.placement().server("s0").orElseThrow().range()).isEqualTo(new BlockRange(0, 2));
        assertThat(sorted.placement().server("s1").orElseThrow().range()).isEqualTo(new BlockRange(2, 4));
    }

    @Test
    void shouldReportInfeasibleWhenServersCannotCoverAllBlocks() {
        ModelSpec model = new ModelSpec("m", 10, 10, 1);
        Fleet fleet = new Fleet(model, List.of(new Server("a", 50, 1.0, 0.1), new Server("b", 30, 1.0, 0.1)), 1, 0.7);

        PlacementResult r = gbp.place(fleet, 2);

        assertThat(r.feasible()).isFalse();
        assertThat(r.coverableBlocks()).isEqualTo(4 + 2);
        assertThat(r.placement().isEmpty()).isTrue();
    }

    @Test
    void shouldStopOnceTheTargetRateIsReached() {
        List<Server> servers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            servers.add(new Server("s" + i, 1000, 1.0, 0.0001));
        }
        ModelSpec model = new ModelSpec("m", 2, 10, 1);
        // each server hosts both blocks; chain time ~1 s, target lambda/(rho c) = 2.1/(0.7*1) = 3
        PlacementResult r = gbp.place(new Fleet(model, servers, 2.1, 0.7), 1);

        assertThat(r.completeChains()).isEqualTo(4);
        assertThat(r.placement().servers()).hasSize(4);
    }

    @Test
    void shouldKeepEveryHostedRangeInsideTheModelAndWithinMemory() {
        SplittableRandom rnd = new SplittableRandom(SEED_INVARIANTS);
        for (int run = 0; run < 200; run++) {
            Fleet fleet = TestFleets.random(rnd, 1 + rnd.nextInt(30), 1 + rnd.nextInt(20));
            int c = 1 + rnd.nextInt(20);
            PlacementResult r = gbp.place(fleet, c);
            ModelSpec m = fleet.model();
            for (ServerPlacement sp : r.placement().servers()) {
                Server s = fleet.server(sp.serverId()).orElseThrow();
                assertThat(sp.range().end()).isLessThanOrEqualTo(m.blocks());
                assertThat(m.blockBytes() * sp.range().size() + m.cacheBytesPerBlockPerJob() * sp.cacheSlots())
                        .isLessThanOrEqualTo(s.memoryBytes());
                assertThat((long) sp.cacheSlots()).isGreaterThanOrEqualTo((long) c * sp.range().size());
            }
        }
    }

    @Test
    void shouldGiveOneResultForEveryCOfARun() {
        SplittableRandom rnd = new SplittableRandom(SEED_RUNS);
        for (int run = 0; run < 120; run++) {
            Fleet fleet = TestFleets.random(rnd, 1 + rnd.nextInt(30), 1 + rnd.nextInt(20));
            int maxC = (int) Math.min(400, fleet.servers().stream().mapToLong(Server::memoryBytes).max().orElse(0));
            for (GbpCrBlockPlacement.Extent extent : GbpCrBlockPlacement.Extent.values()) {
                GbpCrBlockPlacement algorithm = new GbpCrBlockPlacement(extent);
                int c = 1;
                while (c <= maxC) {
                    GbpCrBlockPlacement.Run r = algorithm.placeRun(fleet, c, maxC);
                    assertThat(r.lastCacheReservation()).isBetween(c, maxC);
                    for (int k = c; k <= r.lastCacheReservation(); k++) {
                        PlacementResult each = algorithm.place(fleet, k);
                        assertThat(each.feasible()).isEqualTo(r.result().feasible());
                        if (each.feasible()) {
                            assertThat(each.placement()).as("c = %s in run from %s", k, c)
                                    .isEqualTo(r.result().placement());
                            assertThat(each.completeChains()).isEqualTo(r.result().completeChains());
                            assertThat(each.reachedTarget()).isEqualTo(r.result().reachedTarget());
                            assertThat(each.rateReached()).isEqualTo(r.result().rateReached());
                        }
                    }
                    c = r.lastCacheReservation() + 1;
                }
            }
        }
    }

    @Test
    void shouldCoverAHugeRangeOfCWithFewRunsWhenServersReportAbsurdMemory() {
        ModelSpec model = new ModelSpec("llama-2-7b", 32, 437_500_000L, 33_600_000L);
        List<Server> servers = new ArrayList<>();
        servers.add(new Server("petabyte", 1_000_000_000_000_000L, 0.4, 0.0239));
        servers.add(new Server("long-max", Long.MAX_VALUE, 0.4, 0.0239));
        for (int i = 0; i < 7; i++) {
            servers.add(new Server("mig20-" + i, 20_000_000_000L, 0.4, 0.0373));
        }
        Fleet fleet = new Fleet(model, servers, 5.0, 0.7);

        for (GbpCrBlockPlacement.Extent extent : GbpCrBlockPlacement.Extent.values()) {
            GbpCrBlockPlacement algorithm = new GbpCrBlockPlacement(extent);
            int runs = 0;
            int c = 1;
            while (true) {
                GbpCrBlockPlacement.Run r = algorithm.placeRun(fleet, c, Integer.MAX_VALUE);
                runs++;
                if (r.lastCacheReservation() == Integer.MAX_VALUE) {
                    break;
                }
                c = r.lastCacheReservation() + 1;
            }
            // at most one run per (server, m_j) pair and per change of the chains needed
            assertThat(runs).as("runs over c = 1 .. 2^31 - 1, %s", extent)
                    .isLessThanOrEqualTo(servers.size() * model.blocks() + servers.size() + 1);
        }
    }
}
