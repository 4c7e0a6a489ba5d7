package io.chainplan.cli.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chainplan.optimizer.TestFleets;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.tuning.CapacitySearch;
import org.junit.jupiter.api.Test;

class PlanFilesTest {
    @Test
    void shouldWriteTheDesignShapeAndReadItBack() throws Exception {
        Plan plan = new CapacitySearch().solve(TestFleets.paperExample(), 1).withSolverMillis(1.5);

        String json = PlanFiles.toJson(plan);
        JsonNode n = FleetFiles.MAPPER.readTree(json);

        assertThat(n.get("status").asText()).isEqualTo("OK");
        assertThat(n.get("reason").isNull()).isTrue();
        assertThat(n.get("chains").get(0).get("hops").get(1).get("serverId").asText()).isEqualTo("2");
        assertThat(n.get("placements").get(0).get("cacheSlots").asInt()).isEqualTo(10);
        assertThat(n.get("solver").get("objective").asText()).isEqualTo("lower-bound");
        assertThat(PlanFiles.parse(json, "plan.json")).isEqualTo(plan);
    }

    @Test
    void shouldWriteNullBoundsForAnInfeasiblePlan() throws Exception {
        var fleet = TestFleets.paperExample();
        var tiny = new io.chainplan.optimizer.model.Fleet(fleet.model(), java.util.List.of(fleet.servers().get(0)), 0.3, 0.7);
        Plan plan = new CapacitySearch().solve(tiny);

        JsonNode n = FleetFiles.MAPPER.readTree(PlanFiles.toJson(plan));

        assertThat(n.get("status").asText()).isEqualTo("INFEASIBLE");
        assertThat(n.get("bounds").isNull()).isTrue();
        assertThat(n.get("reason").asText()).contains("blocks");
        assertThat(PlanFiles.parse(PlanFiles.toJson(plan), "p")).isEqualTo(plan);
    }
}
