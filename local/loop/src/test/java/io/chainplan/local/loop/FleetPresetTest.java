package io.chainplan.local.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Objective;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.replan.PaperSolver;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetPresetTest {
    @Test
    void shouldPlaceTheDefaultModelOnNoSingleServer() {
        SimFleet fleet = FleetPreset.MIXED_70B.fleet();
        long modelBytes = fleet.model().blocks() * fleet.model().blockBytes();

        assertThat(fleet.servers()).hasSize(10)
                .allSatisfy(s -> assertThat(s.memoryBytes()).isLessThan(modelBytes));
        assertThat(fleet.servers().stream().mapToLong(SimServer::memoryBytes).sum()).isGreaterThan(2 * modelBytes);
    }

    @Test
    void shouldMoveBlocksWhenTheDefaultShiftDoublesTheRate() {
        FleetPreset preset = FleetPreset.MIXED_70B;
        Plan before = solve(preset.fleet(), preset.defaultRatePerSecond());
        Plan after = solve(preset.fleet(), 2 * preset.defaultRatePerSecond());

        assertThat(before.status()).isEqualTo(PlanStatus.OK);
        assertThat(after.status()).isEqualTo(PlanStatus.OK);
        assertThat(after.placement()).isNotEqualTo(before.placement());
        assertThat(before.totalServiceRatePerSecond()).as("the first placement cannot carry the doubled rate")
                .isLessThan(2 * preset.defaultRatePerSecond());
    }

    @Test
    void shouldReserveWhatPetalsReservesForTheModelsContext() {
        assertThat(SimModel.LLAMA_2_7B.petalsReservedRequestsPerBlock()).isEqualTo(2);
        assertThat(SimModel.LLAMA_2_70B.petalsReservedRequestsPerBlock()).isEqualTo(4);
    }

    @Test
    void shouldNameTheOptionAndTheChoicesForAnUnknownPreset() {
        assertThat(FleetPreset.fromCliName(" MIG")).isEqualTo(FleetPreset.MIG);
        assertThatThrownBy(() -> FleetPreset.fromCliName("h100"))
                .hasMessage("--fleet-preset must be 70b-mixed or mig, was h100");
    }

    private static Plan solve(SimFleet fleet, double rate) {
        Fleet f = PetalsComparison.toFleet(fleet, List.of(new Arrival(0, 1, 1), new Arrival(1, 1, 1)));
        return new PaperSolver(1).solveFull(new Fleet(f.model(), f.servers(), rate, Fleet.DEFAULT_TARGET_LOAD),
                Objective.LOWER_BOUND);
    }
}
