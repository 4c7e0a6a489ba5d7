package io.chainplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chainplan.optimizer.fleets.PaperFleets;
import io.chainplan.cli.format.FleetFiles;
import io.chainplan.cli.format.PlanFiles;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.tuning.CapacitySearch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulateCommandTest extends CommandTestSupport {
    private static final long FLEET_SEED = 7L;

    @TempDir
    Path dir;

    private Path fleetFile() throws Exception {
        Fleet fleet = PaperFleets.generate(20, 0.2, List.of(), new SplittableRandom(FLEET_SEED)).withArrivalRate(0.2);
        Path f = dir.resolve("fleet.json");
        FleetFiles.write(fleet, f);
        return f;
    }

    @Test
    void shouldSolveAndPrintATable() throws Exception {
        int code = run("simulate", "--fleet", fleetFile().toString(), "--requests", "5000", "--seed", "3");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("policy jffc").contains("response").contains("waiting").contains("utilisation");
    }

    @Test
    void shouldPrintJsonForAGivenPlanAndPolicyAndBeDeterministic() throws Exception {
        Path fleet = fleetFile();
        Plan plan = new CapacitySearch().solve(FleetFiles.read(fleet));
        Path planFile = dir.resolve("plan.json");
        PlanFiles.write(plan, planFile);
        String[] args = {"simulate", "--fleet", fleet.toString(), "--plan", planFile.toString(), "--policy", "sed",
            "--requests", "3000", "--format", "json"};
        assertThat(run(args)).as(err.toString()).isZero();
        String first = out.toString();
        out.getBuffer().setLength(0);
        assertThat(run(args)).isZero();
        assertThat(out.toString()).isEqualTo(first);
        JsonNode json = new ObjectMapper().readTree(first);
        assertThat(json.get("policy").asText()).isEqualTo("sed");
        assertThat(json.get("measuredRequests").asLong()).isEqualTo(2700);
        assertThat(json.get("responseTime").get("meanSeconds").asDouble()).isPositive();
        assertThat(json.get("chainUtilisation")).hasSize(plan.chains().size());
    }

    @Test
    void shouldReplayATraceWithTokenDrivenService() throws Exception {
        Path trace = dir.resolve("trace.csv");
        Files.writeString(trace, "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                + "2023-11-16 18:17:03.0000000,2000,20\n2023-11-16 18:17:04.5000000,1000,40\n"
                + "2023-11-16 18:17:09.0000000,3000,5\n");
        int code = run("simulate", "--fleet", fleetFile().toString(), "--arrivals", "trace:" + trace, "--requests", "1000");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("service tokens").contains("requests 3 simulated, 3 measured");
    }

    @Test
    void shouldRejectAnUnknownPolicyWithExitCodeTwo() throws Exception {
        assertThat(run("simulate", "--fleet", fleetFile().toString(), "--policy", "random")).isEqualTo(2);
        assertThat(err.toString()).contains("policy must be one of");
    }
}
