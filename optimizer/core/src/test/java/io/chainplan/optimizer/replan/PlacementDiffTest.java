package io.chainplan.optimizer.replan;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.optimizer.model.BlockRange;
import io.chainplan.optimizer.model.ServerPlacement;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementDiffTest {
    private static ServerPlacement p(String id, int start, int end) {
        return new ServerPlacement(id, new BlockRange(start, end), 10);
    }

    @Test
    void shouldBeEmptyForTheSamePlacement() {
        List<ServerPlacement> a = List.of(p("a", 0, 10), p("b", 5, 20));
        PlacementDiff d = PlacementDiff.between(a, a, 100);
        assertThat(d.serversMoved()).isZero();
        assertThat(d.blocksMoved()).isZero();
        assertThat(d.bytesMoved()).isZero();
    }

    @Test
    void shouldCountOnlyNewlyLoadedBlocks() {
        PlacementDiff d = PlacementDiff.between(
                List.of(p("a", 0, 10), p("b", 10, 20), p("c", 0, 5)),
                List.of(p("a", 5, 15), p("b", 10, 20), p("d", 0, 20)), 100);
        // a: [5,15) vs [0,10): 5 new; d: 20 new; c: lost its range, loads nothing
        assertThat(d.blocksMoved()).isEqualTo(25);
        assertThat(d.bytesMoved()).isEqualTo(2_500);
        assertThat(d.serversMoved()).isEqualTo(3);
        assertThat(d.servers()).extracting(PlacementDiff.ServerChange::serverId).containsExactly("a", "b", "c", "d");
        assertThat(d.servers().get(2).newRange()).isEmpty();
        assertThat(d.servers().get(3).oldRange()).isEmpty();
        assertThat(d.servers().get(0).newRange()).contains(new BlockRange(5, 15));
    }
}
