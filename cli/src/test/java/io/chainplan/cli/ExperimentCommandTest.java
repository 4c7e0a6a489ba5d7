package io.chainplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentCommandTest extends CommandTestSupport {
    @TempDir
    Path dir;

    @Test
    void shouldRunThePoliciesExperimentQuicklyAndWriteCsvAndPng() throws Exception {
        Path o = dir.resolve("policies");
        int code = run("experiment", "policies", "--quick", "--out", o.toString(), "--rtt-csv", dir.resolve("none.csv").toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("# experiment policies").contains("seeds [1, 2]").contains("jffc");
        assertThat(Files.readAllLines(o.resolve("policies.csv"))).hasSize(4)
                .first().asString().startsWith("load,lambda,lower_bound,upper_bound,jffc");
        assertThat(Files.size(o.resolve("policies.png"))).isPositive();
        assertThat(o.resolve("fleet.json")).exists();
    }

    @Test
    void shouldRunTheTuneCExperimentQuicklyAndWriteCsvAndPng() throws Exception {
        Path o = dir.resolve("tune-c");
        int code = run("experiment", "tune-c", "--quick", "--out", o.toString(), "--rtt-csv", dir.resolve("none.csv").toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("# experiment tune-c").contains("sim best c");
        assertThat(Files.readAllLines(o.resolve("tune-c.csv"))).hasSize(3)
                .first().asString().startsWith("lambda,lower-bound_c");
        assertThat(Files.size(o.resolve("tune-c.png"))).isPositive();
    }

    @Test
    void shouldRunTheRoutersExperimentQuicklyAndWriteCsvMarkdownAndPng() throws Exception {
        Path o = dir.resolve("routers");
        int code = run("experiment", "routers", "--quick", "--servers", "10", "--frontends", "1,2", "--out", o.toString(),
                "--rtt-csv", dir.resolve("none.csv").toString(), "--trace", dir.resolve("none.csv").toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("# experiment routers").contains("Poisson only").contains("N=1 (central)");
        assertThat(Files.readAllLines(o.resolve("routers.csv"))).hasSize(3)
                .first().asString().startsWith("arrivals,servers,eta,load,frontends");
        assertThat(Files.size(o.resolve("routers-mean.png"))).isPositive();
        assertThat(Files.size(o.resolve("routers-p99.png"))).isPositive();
        assertThat(o.resolve("routers.md")).exists();
    }

    @Test
    void shouldListItsSubcommands() {
        assertThat(run("experiment")).isZero();
        assertThat(out.toString()).contains("policies").contains("tune-c");
    }
}
