package io.chainplan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chainplan.cli.format.FleetFiles;
import io.chainplan.cli.format.PlanFiles;
import io.chainplan.optimizer.arrival.ArrivalModel;
import io.chainplan.optimizer.fleets.PaperFleets;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Plan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code chainplan solve} with arrival processes: the fleet file's {@code arrivals}, {@code --arrivals}, {@code --method}. */
class SolveArrivalsTest extends CommandTestSupport {
    private static final Path TRACE = Path.of(System.getProperty("chainplan.shared.data", "../shared/data"),
            "azure-llm-2023-code.csv");

    @TempDir
    Path dir;

    private Path fleetFile(Fleet fleet) throws Exception {
        Path f = dir.resolve("fleet.json");
        FleetFiles.write(fleet, f);
        return f;
    }

    private static Fleet paperFleet() {
        return PaperFleets.generate(20, 0.1, List.of(), new SplittableRandom(3)).withArrivalRate(0.6);
    }

    @Test
    void shouldPlanForTheBurstProcessOfTheFleetFileAndRecordItInThePlan() throws Exception {
        Fleet bursty = paperFleet().withArrivals(new ArrivalModel.Mmpp2(2.4, 0, 1 / 30.0, 1 / 90.0));
        Path plan = dir.resolve("plan.json");
        assertThat(run("solve", "--fleet", fleetFile(bursty).toString(), "--format", "json", "--out", plan.toString()))
                .as(err.toString()).isZero();
        Plan p = PlanFiles.read(plan);
        assertThat(p.arrivals()).isEqualTo(bursty.arrivals());
        assertThat(p.arrivalRatePerSecond()).isEqualTo(0.6);

        assertThat(run("solve", "--fleet", fleetFile(bursty).toString(), "--method", "paper", "--format", "json", "--out",
                plan.toString())).isZero();
        Plan paper = PlanFiles.read(plan);
        assertThat(paper.arrivals()).isEqualTo(new ArrivalModel.Poisson(0.6));
        // bursts call for more capacity than the paper's plan gives
        assertThat(p.totalServiceRatePerSecond()).isGreaterThan(paper.totalServiceRatePerSecond());
    }

    @Test
    void shouldFitTheArrivalsOfATraceAtTheFleetsRate() throws Exception {
        assumeTrue(Files.isRegularFile(TRACE), "shared data absent: " + TRACE.toAbsolutePath());
        int code = run("solve", "--fleet", fleetFile(paperFleet()).toString(), "--arrivals", "trace:" + TRACE, "--rate", "0.8");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("arrival rate 0.800000").contains("arrivals mmpp2: bursts")
                .contains("Theorem 4 under the burst process");
        assertThat(err.toString()).contains("arrivals from").contains("bursty: index of dispersion");
    }

    @Test
    void shouldRejectBadArrivalsWithOneLineNamingTheField() throws Exception {
        String fleet = FleetFiles.toJson(paperFleet());
        Path unknown = dir.resolve("unknown.json");
        Files.writeString(unknown, fleet.replace("\"targetLoad\"", "\"arrivals\": {\"kind\": \"pareto\"}, \"targetLoad\""));
        assertThat(run("solve", "--fleet", unknown.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("arrivals.kind").contains("pareto").hasLineCount(1);

        err.getBuffer().setLength(0);
        Path missing = dir.resolve("missing.json");
        Files.writeString(missing, fleet.replace("\"targetLoad\"", "\"arrivals\": {\"kind\": \"mmpp2\", \"burstRatePerSecond\": 2},"
                + " \"targetLoad\""));
        assertThat(run("solve", "--fleet", missing.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("arrivals.calmRatePerSecond").contains("missing");

        err.getBuffer().setLength(0);
        Path tooFew = dir.resolve("few.csv");
        Files.writeString(tooFew, "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.9799600,10,2\n");
        assertThat(run("solve", "--fleet", fleetFile(paperFleet()).toString(), "--arrivals", "trace:" + tooFew)).isEqualTo(2);
        assertThat(err.toString()).contains("--arrivals").hasLineCount(1);

        err.getBuffer().setLength(0);
        assertThat(run("solve", "--fleet", fleetFile(paperFleet()).toString(), "--method", "best")).isEqualTo(2);
        assertThat(err.toString()).contains("--method");
    }
}
