package io.chainplan.optimizer.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.optimizer.TestFleets;
import io.chainplan.optimizer.model.BlockRange;
import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.ServerPlacement;
import io.chainplan.optimizer.placement.GbpCrBlockPlacement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GcaCacheAllocationTest {
    private static final long SEED_DIFFERENTIAL = 424242L;
    private static final long SEED_RANDOM_PLACEMENTS = 777L;

    @Test
    void shouldFindThreeChainsOfCapacityFiveInPaperExample() {
        Fleet fleet = TestFleets.paperExample();
        Placement p = new GbpCrBlockPlacement().place(fleet, 1).placement();

        for (CacheAllocation gca : List.of(new GcaCacheAllocation(), new DijkstraGcaCacheAllocation())) {
            Allocation a = gca.allocate(fleet, p);
            assertThat(a.chains()).extracting(Chain::serverIds).containsExactly(
                    List.of("1", "2"), List.of("1", "4", "5"), List.of("3", "4", "5"));
            assertThat(a.chains()).extracting(Chain::capacity).containsExactly(5, 5, 5);
            assertThat(a.chains().get(0).serviceSeconds()).isCloseTo(3 + 5e-3, org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    @Test
    void shouldFindNoChainWhenNoServerEndsAtL() {
        ModelSpec model = new ModelSpec("m", 4, 10, 1);
        Fleet fleet = new Fleet(model, List.of(new Server("a", 100, 1, 0.1)), 0.1, 0.7);
        Placement p = new Placement(List.of(ServerPlacement.of(model, fleet.servers().get(0), new BlockRange(0, 3))));

        assertThat(new GcaCacheAllocation().allocate(fleet, p).chains()).isEmpty();
        assertThat(new DijkstraGcaCacheAllocation().allocate(fleet, p).chains()).isEmpty();
    }

    @Test
    void shouldMatchTheDijkstraOracleOnGbpCrPlacements() {
        SplittableRandom rnd = new SplittableRandom(SEED_DIFFERENTIAL);
        for (int run = 0; run < 150; run++) {
            Fleet fleet = TestFleets.random(rnd, 2 + rnd.nextInt(40), 1 + rnd.nextInt(16));
            var r = new GbpCrBlockPlacement().place(fleet, 1 + rnd.nextInt(8));
            if (!r.feasible()) {
                continue;
            }
            assertSameChains(fleet, r.placement());
        }
    }

    @Test
    void shouldMatchTheDijkstraOracleOnArbitraryOverlappingPlacements() {
        SplittableRandom rnd = new SplittableRandom(SEED_RANDOM_PLACEMENTS);
        for (int run = 0; run < 150; run++) {
            int blocks = 1 + rnd.nextInt(10);
            Fleet fleet = TestFleets.random(rnd, 2 + rnd.nextInt(25), blocks);
            List<ServerPlacement> placed = new ArrayList<>();
            for (Server s : fleet.servers()) {
                int start = rnd.nextInt(blocks);
                int end = start + 1 + rnd.nextInt(blocks - start);
                if (fleet.model().blockBytes() * (end - start) <= s.memoryBytes()) {
                    placed.add(ServerPlacement.of(fleet.model(), s, new BlockRange(start, end)));
                }
            }
            assertSameChains(fleet, new Placement(placed));
        }
    }

    @Test
    void shouldPickTheSameChainAmongExactTiesAsTheOracle() {
        ModelSpec model = new ModelSpec("m", 4, 10, 1);
        List<Server> servers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            servers.add(new Server("s" + i, 25, 0.5, 0.25));
        }
        Fleet fleet = new Fleet(model, servers, 1, 0.7);
        List<ServerPlacement> placed = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int start = i % 2 == 0 ? 0 : 2;
            placed.add(ServerPlacement.of(model, servers.get(i), new BlockRange(start, start + 2)));
        }
        Placement p = new Placement(placed);

        Allocation fast = new GcaCacheAllocation().allocate(fleet, p);

        assertThat(fast).isEqualTo(new DijkstraGcaCacheAllocation().allocate(fleet, p));
        assertThat(fast.chains().get(0).serverIds()).containsExactly("s0", "s1");
    }

    private static void assertSameChains(Fleet fleet, Placement p) {
        Allocation fast = new GcaCacheAllocation().allocate(fleet, p);
        Allocation plain = new DijkstraGcaCacheAllocation().allocate(fleet, p);
        assertThat(fast).isEqualTo(plain);
        for (int k = 1; k < fast.chains().size(); k++) {
            assertThat(fast.chains().get(k).serviceSeconds()).isGreaterThanOrEqualTo(fast.chains().get(k - 1).serviceSeconds());
        }
    }
}
