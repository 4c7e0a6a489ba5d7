package io.chainplan.local.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.schemas.avro.BlockAssignment;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.testing.SampleRecords;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlanLayoutTest {
    @Test
    void shouldListEachServersBlocksAndSlotsAndNumberChainsFromOne() {
        assertThat(PlanLayout.lines(SampleRecords.chainPlan(), Optional.empty())).containsExactly(
                "  plan 3 (OK):",
                "    placement s001 [0,16) 97 slots, s002 [16,32) 40 slots",
                "    chain #1 s001[0,16) -> s002[16,32)  cap 5  T 5.050 s");
    }

    @Test
    void shouldSayAPlacementWasKeptInsteadOfRepeatingIt() {
        ChainPlan before = ChainPlan.newBuilder(SampleRecords.chainPlan()).setEpoch(2).build();

        assertThat(PlanLayout.lines(SampleRecords.chainPlan(), Optional.of(before)))
                .contains("    placement kept from plan 2 (no block moved)");
    }

    @Test
    void shouldShowAMovedPlacement() {
        ChainPlan before = ChainPlan.newBuilder(SampleRecords.chainPlan()).setEpoch(2)
                .setPlacements(List.of(new BlockAssignment("s001", 0, 32, 12))).build();

        assertThat(PlanLayout.lines(SampleRecords.chainPlan(), Optional.of(before)))
                .contains("    placement s001 [0,16) 97 slots, s002 [16,32) 40 slots");
    }

    @Test
    void shouldNameEachMovedServerAndWhatTheMoveLoaded() {
        ChainPlan before = ChainPlan.newBuilder(SampleRecords.chainPlan()).setEpoch(2)
                .setPlacements(List.of(new BlockAssignment("s001", 0, 20, 12), new BlockAssignment("s002", 12, 32, 30),
                        new BlockAssignment("s003", 0, 32, 1)))
                .build();

        assertThat(PlanLayout.lines(SampleRecords.chainPlan(), Optional.of(before))).contains(
                "    changed from plan 2: s001 [0,20) -> [0,16), s002 [12,32) -> [16,32), s003 [0,32) -> -; "
                        + "4 blocks moved to 1 servers (1.8 GB loaded)");
    }
}
