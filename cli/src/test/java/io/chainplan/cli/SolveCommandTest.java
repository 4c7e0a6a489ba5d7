package io.chainplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.cli.format.FleetFiles;
import io.chainplan.cli.format.PlanFiles;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.validate.PlanValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SolveCommandTest extends CommandTestSupport {
    @TempDir
    Path dir;

    /** The paper's toy example (5 servers, L = 3), memory scaled by 10 to whole bytes. */
    private static Fleet paperExample(double lambda) {
        List<Server> servers = new ArrayList<>();
        for (int l = 1; l <= 5; l++) {
            servers.add(new Server(Integer.toString(l), l == 2 ? 30 : 20, l == 2 ? 2.0 : 1.0, l * 1e-3));
        }
        return new Fleet(new ModelSpec("toy", 3, 10, 1), servers, lambda, 0.7);
    }

    private Path write(Fleet fleet) throws Exception {
        Path f = dir.resolve("fleet.json");
        FleetFiles.write(fleet, f);
        return f;
    }

    @Test
    void shouldPrintATableAndExitZeroOnOk() throws Exception {
        int code = run("solve", "--fleet", write(paperExample(0.3)).toString(), "--c", "1");

        assertThat(code).isZero();
        assertThat(out.toString()).contains("status OK  c 1").contains("1[0, 1) -> 2[1, 3)").contains("mean response time bounds");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void shouldWriteAValidPlanFileWithJsonFormat() throws Exception {
        Fleet fleet = paperExample(0.3);
        Path plan = dir.resolve("plan.json");

        int code = run("solve", "--fleet", write(fleet).toString(), "--format", "json", "--out", plan.toString(),
                "--objective", "upper-bound");

        assertThat(code).isZero();
        Plan p = PlanFiles.read(plan);
        assertThat(p.solver().objective().cliName()).isEqualTo("upper-bound");
        assertThat(PlanValidator.violations(fleet, p)).isEmpty();
    }

    @Test
    void shouldExportTheHopGraphWithTheChainsMarked() throws Exception {
        int code = run("solve", "--fleet", write(paperExample(0.3)).toString(), "--c", "1", "--format", "dot");

        assertThat(code).isZero();
        assertThat(out.toString()).startsWith("strict digraph \"toy\"").contains("[chain 1]").contains("[chain 2]")
                .contains("[chain 3]").contains("color=\"gray\"");
    }

    @Test
    void shouldWarnButExitZeroWhenUnstable() throws Exception {
        int code = run("solve", "--fleet", write(paperExample(500)).toString());

        assertThat(code).isZero();
        assertThat(err.toString()).contains("warning: UNSTABLE").contains("carries arrival rate 500.0");
        assertThat(out.toString()).contains("status UNSTABLE");
    }

    @Test
    void shouldExitOneWhenInfeasible() throws Exception {
        Fleet fleet = new Fleet(new ModelSpec("big", 50, 10, 1), List.of(new Server("a", 100, 1, 0.1)), 0.1, 0.7);

        int code = run("solve", "--fleet", write(fleet).toString(), "--format", "json");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("INFEASIBLE").contains("at most 9 of 50 blocks");
        assertThat(out.toString()).contains("\"status\" : \"INFEASIBLE\"");
    }

    @Test
    void shouldExitTwoNamingFieldAndServerOnABadFleetFile() throws Exception {
        Path f = write(paperExample(0.3));
        Files.writeString(f, Files.readString(f).replace("\"memoryBytes\" : 30", "\"memoryBytes\" : -30"));

        int code = run("solve", "--fleet", f.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("server 2: memoryBytes must be >= 0, was -30");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void shouldExitTwoOnAMissingFileOrABadOption() throws Exception {
        assertThat(run("solve", "--fleet", dir.resolve("nope.json").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no such file");
        assertThat(run("solve", "--fleet", write(paperExample(0.3)).toString(), "--objective", "fastest")).isEqualTo(2);
        assertThat(run("solve", "--fleet", write(paperExample(0.3)).toString(), "--target-load", "1")).isEqualTo(2);
        assertThat(run("solve", "--fleet", write(paperExample(0.3)).toString(), "--format", "xml")).isEqualTo(2);
    }

    @Test
    void shouldGiveTheSamePlanEveryTimeApartFromTheSolveTime() throws Exception {
        Path f = write(paperExample(0.3));
        run("solve", "--fleet", f.toString(), "--format", "json", "--out", dir.resolve("a.json").toString());
        run("solve", "--fleet", f.toString(), "--format", "json", "--out", dir.resolve("b.json").toString(), "--threads", "1");

        Plan a = PlanFiles.read(dir.resolve("a.json")).withSolverMillis(0);
        Plan b = PlanFiles.read(dir.resolve("b.json")).withSolverMillis(0);
        assertThat(a).isEqualTo(b);
        assertThat(a.status()).isEqualTo(PlanStatus.OK);
    }

    @Test
    void shouldWriteJsonWhenOutEndsInJson() throws Exception {
        Path plan = dir.resolve("plan.json");

        assertThat(run("solve", "--fleet", write(paperExample(0.3)).toString(), "--out", plan.toString())).isZero();

        assertThat(Files.readString(plan)).startsWith("{");
    }

    @Test
    void shouldRefuseAFormatThatContradictsTheOutExtension() throws Exception {
        assertThat(run("solve", "--fleet", write(paperExample(0.3)).toString(), "--format", "table", "--out",
                dir.resolve("plan.json").toString())).isEqualTo(2);
        assertThat(Files.exists(dir.resolve("plan.json"))).isFalse();
    }

    @Test
    void shouldNameAMissingOutDirectory() throws Exception {
        assertThat(run("solve", "--fleet", write(paperExample(0.3)).toString(), "--out",
                dir.resolve("nope").resolve("x.json").toString())).isEqualTo(2);
    }
}
