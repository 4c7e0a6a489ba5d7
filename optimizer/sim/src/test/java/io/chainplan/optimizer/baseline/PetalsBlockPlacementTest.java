package io.chainplan.optimizer.baseline;

import static io.chainplan.optimizer.baseline.Fleets.TOY;
import static io.chainplan.optimizer.baseline.Fleets.fleet;
import static io.chainplan.optimizer.baseline.Fleets.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.optimizer.model.BlockRange;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.ServerPlacement;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PetalsBlockPlacementTest {
    private static final long JOIN_SEED = 42L;
    // m = floor(M / (s_m + 2 s_c)) = floor(M / 12): A 4 blocks (thr 10), B 3 (thr 5), C 2 (thr 2)
    private static final Server A = server("a", 50, 0.1, 0.1);
    private static final Server B = server("b", 36, 0.1, 0.2);
    private static final Server C = server("c", 24, 0.1, 0.5);

    @Test
    void shouldGiveEachJoiningServerTheLexicographicallyLeastServedWindow() {
        BaselinePlacement p = new PetalsBlockPlacement().placeInOrder(TOY, List.of(A, B, C));
        // a: all zero -> [0,4); b: [3,6) has sorted (0,0,10); c: [4,6) has (5,5)
        assertThat(ranges(p)).containsExactly(new BlockRange(0, 4), new BlockRange(3, 6), new BlockRange(4, 6));
        assertThat(p.order()).containsExactly("a", "b", "c");
        assertThat(p.coversAllBlocks()).isTrue();
    }

    @Test
    void shouldDependOnTheJoinOrder() {
        BaselinePlacement p = new PetalsBlockPlacement().placeInOrder(TOY, List.of(C, B, A));
        // c: [0,2); b: [2,5) all zero; a: [2,6) sorted (0,5,5,5) beats (2,2,5,5)
        assertThat(ranges(p)).containsExactly(new BlockRange(2, 6), new BlockRange(2, 5), new BlockRange(0, 2));
    }

    @Test
    void shouldReserveTwoRequestsPerHostedBlockAsThePool() {
        BaselinePlacement reserved = new PetalsBlockPlacement().placeInOrder(TOY, List.of(A, B, C));
        assertThat(reserved.placement().servers()).extracting(ServerPlacement::cacheSlots).containsExactly(8, 6, 4);
        BaselinePlacement all = new PetalsBlockPlacement(2, CachePool.ALL_FREE_MEMORY).placeInOrder(TOY, List.of(A, B, C));
        // a: 50 - 40 = 10 bytes free = 10 slots
        assertThat(all.placement().servers()).extracting(ServerPlacement::cacheSlots).containsExactly(10, 6, 4);
    }

    @Test
    void shouldCapBlocksAtTheModelSize() {
        BaselinePlacement p = new PetalsBlockPlacement().placeInOrder(TOY, List.of(server("big", 1000, 0.1, 0.1)));
        assertThat(ranges(p)).containsExactly(new BlockRange(0, 6));
        assertThat(p.placement().servers().get(0).cacheSlots()).isEqualTo(12);
    }

    @Test
    void shouldReportUncoveredBlocksAndSkipServersThatHostNothing() {
        BaselinePlacement p = new PetalsBlockPlacement().placeInOrder(TOY, List.of(A, server("tiny", 11, 0.1, 0.1)));
        assertThat(p.coversAllBlocks()).isFalse();
        assertThat(p.order()).containsExactly("a");
    }

    @Test
    void shouldShuffleTheJoinOrderReproduciblyFromTheSeed() {
        Fleet f = fleet(TOY, 0.1, A, B, C, server("d", 30, 0.1, 0.3), server("e", 40, 0.1, 0.2));
        BaselinePlacement first = new PetalsBlockPlacement().place(f, new SplittableRandom(JOIN_SEED));
        BaselinePlacement again = new PetalsBlockPlacement().place(f, new SplittableRandom(JOIN_SEED));
        assertThat(again).isEqualTo(first);
        assertThat(first.order()).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
        long distinctOrders = java.util.stream.LongStream.range(0, 20)
                .mapToObj(s -> new PetalsBlockPlacement().place(f, new SplittableRandom(s)).order())
                .distinct().count();
        assertThat(distinctOrders).isGreaterThan(1);
    }

    @Test
    void shouldNeverPlaceMoreThanMemoryAllowsOnRandomFleets() {
        for (long seed = 0; seed < 30; seed++) {
            Fleet f = Fleets.random(seed, 8);
            BaselinePlacement p = new PetalsBlockPlacement().place(f, new SplittableRandom(seed));
            for (ServerPlacement sp : p.placement().servers()) {
                Server s = f.server(sp.serverId()).orElseThrow();
                long used = f.model().blockBytes() * sp.range().size() + f.model().cacheBytesPerBlockPerJob() * sp.cacheSlots();
                assertThat(used).isLessThanOrEqualTo(s.memoryBytes());
                assertThat(sp.cacheSlots()).isEqualTo(2 * sp.range().size());
                assertThat(sp.range().end()).isLessThanOrEqualTo(f.model().blocks());
            }
        }
    }

    @Test
    void shouldRejectANonPositiveReservation() {
        assertThatThrownBy(() -> new PetalsBlockPlacement(0, CachePool.RESERVED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reservedRequestsPerBlock");
    }

    static List<BlockRange> ranges(BaselinePlacement p) {
        return p.placement().servers().stream().map(ServerPlacement::range).toList();
    }
}
