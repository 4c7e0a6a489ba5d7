package io.chainplan.optimizer.baseline;

import static io.chainplan.optimizer.baseline.Fleets.TOLERANCE;
import static io.chainplan.optimizer.baseline.Fleets.TOY;
import static io.chainplan.optimizer.baseline.Fleets.fleet;
import static io.chainplan.optimizer.baseline.Fleets.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.chainplan.optimizer.model.BlockRange;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.ServerPlacement;
import java.util.List;
import org.junit.jupiter.api.Test;

class BprrBlockPlacementTest {
    // with R = 1: m = floor(M / 11); amortised (tau_c + m tau_p) / m: a (1+0.4)/4 = 0.35, b 0.9/3 = 0.3, c 1.1/2 = 0.55
    private static final Server A = server("a", 44, 1.0, 0.1);
    private static final Server B = server("b", 33, 0.3, 0.2);
    private static final Server C = server("c", 22, 0.1, 0.5);

    @Test
    void shouldComputeRAsExpectedConcurrencyPlusOneDeviationCappedByMemory() {
        assertThat(BprrBlockPlacement.reservation(0.2, 20, 100)).isEqualTo(6); // 4 + 2
        assertThat(BprrBlockPlacement.reservation(0.2, 10, 100)).isEqualTo(4); // ceil(2 + 1.414)
        assertThat(BprrBlockPlacement.reservation(0.2, 20, 5)).isEqualTo(5);
        assertThat(BprrBlockPlacement.reservation(0.0, 20, 5)).isEqualTo(1);
        assertThat(BprrBlockPlacement.reservation(0.2, 20, 0)).isEqualTo(1);
    }

    @Test
    void shouldComputeTheMemoryBoundOverLPlusJBlocks() {
        // (44 + 33 + 22 - 10 * (6 + 3)) / (1 * 9) = 9 / 9 = 1
        assertThat(BprrBlockPlacement.memoryBound(fleet(TOY, 0.1, A, B, C))).isEqualTo(1);
        assertThat(BprrBlockPlacement.memoryBound(fleet(TOY, 0.1, C))).isZero();
    }

    @Test
    void shouldComputeTheTypicalChainTime() {
        // m = 4, 3, 2 -> mean 3 -> 2 hops; mean tau_c 1.4/3, mean tau_p 0.8/3
        double t = BprrBlockPlacement.typicalChainSeconds(fleet(TOY, 0.1, A, B, C), 1);
        assertThat(t).isCloseTo(2 * 1.4 / 3 + 6 * 0.8 / 3, within(TOLERANCE));
    }

    @Test
    void shouldLayOutCopiesFastestAmortisedFirstThenTheThinnestWindow() {
        BaselinePlacement p = new BprrBlockPlacement().place(fleet(TOY, 0.01, A, B, C), 1.0);
        assertThat(p.reservedRequestsPerBlock()).isEqualTo(1);
        assertThat(p.order()).containsExactly("b", "a", "c");
        // b [0,3); a must contain block 3, least served is [2,6); then block 0 is thinnest: c [0,2)
        assertThat(p.placement().server("b").orElseThrow().range()).isEqualTo(new BlockRange(0, 3));
        assertThat(p.placement().server("a").orElseThrow().range()).isEqualTo(new BlockRange(2, 6));
        assertThat(p.placement().server("c").orElseThrow().range()).isEqualTo(new BlockRange(0, 2));
        assertThat(p.placement().servers()).extracting(ServerPlacement::cacheSlots).containsExactly(4, 3, 2);
        assertThat(p.coversAllBlocks()).isTrue();
    }

    @Test
    void shouldChooseTheLeastServedWindowContainingTheFirstLeastServedBlock() {
        assertThat(BprrBlockPlacement.chooseStart(new int[] {0, 0, 0, 0, 0, 0}, 4)).isZero();
        assertThat(BprrBlockPlacement.chooseStart(new int[] {1, 1, 1, 1, 0, 0}, 3)).isEqualTo(3);
        assertThat(BprrBlockPlacement.chooseStart(new int[] {1, 1, 1, 2, 1, 1}, 2)).isZero();
        assertThat(BprrBlockPlacement.chooseStart(new int[] {2, 2, 1, 1, 2, 2}, 6)).isZero();
    }

    @Test
    void shouldShrinkServersAsRGrows() {
        Fleet f = fleet(TOY, 0.01, server("x", 1000, 0.1, 0.1), server("y", 1000, 0.1, 0.1));
        BaselinePlacement small = new BprrBlockPlacement().place(f.withArrivalRate(0.01), 1.0);
        BaselinePlacement large = new BprrBlockPlacement().place(f.withArrivalRate(20), 1.0);
        assertThat(small.reservedRequestsPerBlock()).isEqualTo(1);
        assertThat(large.reservedRequestsPerBlock()).isEqualTo(25); // ceil(20 + 4.47)
        // m = floor(1000 / (10 + 25)) = 28 -> capped at 6; pool R * m = 150
        assertThat(large.placement().servers()).extracting(ServerPlacement::cacheSlots).containsExactly(150, 150);
    }

    @Test
    void shouldFindRAsAFixedPointOfTheTypicalChainTime() {
        for (long seed = 0; seed < 20; seed++) {
            Fleet f = Fleets.random(seed, 10).withArrivalRate(2.0);
            BaselinePlacement p = new BprrBlockPlacement().place(f);
            long r = p.reservedRequestsPerBlock();
            long rMax = BprrBlockPlacement.memoryBound(f);
            assertThat(r).isLessThanOrEqualTo(Math.max(1, rMax));
            assertThat(p.referenceServiceSeconds()).isEqualTo(BprrBlockPlacement.typicalChainSeconds(f, r));
            assertThat(BprrBlockPlacement.reservation(2.0, p.referenceServiceSeconds(), rMax)).isLessThanOrEqualTo(r);
            for (ServerPlacement sp : p.placement().servers()) {
                long used = f.model().blockBytes() * sp.range().size() + f.model().cacheBytesPerBlockPerJob() * sp.cacheSlots();
                assertThat(used).isLessThanOrEqualTo(f.server(sp.serverId()).orElseThrow().memoryBytes());
                assertThat(sp.cacheSlots()).isEqualTo(r * sp.range().size());
            }
        }
    }

    @Test
    void shouldPlaceEveryServerThatCanHostABlock() {
        BaselinePlacement p = new BprrBlockPlacement().place(fleet(TOY, 0.01, A, B, C, server("none", 5, 0.1, 0.1)), 1.0);
        assertThat(p.order()).isEqualTo(List.of("b", "a", "c"));
    }
}
