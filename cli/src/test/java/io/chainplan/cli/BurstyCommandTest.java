package io.chainplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BurstyCommandTest extends CommandTestSupport {
    @TempDir
    Path dir;

    @Test
    void shouldWriteTheTablesAndSayWhenTheTraceIsMissing() throws Exception {
        Path o = dir.resolve("bursty");
        int code = run("experiment", "bursty", "--quick", "--loads", "0.3", "--requests", "1000", "--trace",
                dir.resolve("absent.csv").toString(), "--rtt-csv", dir.resolve("none.csv").toString(), "--out", o.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).contains("no trace at").contains("left out");
        assertThat(out.toString()).contains("# experiment bursty").contains("| poisson |").contains("| mmpp |")
                .doesNotContain("| azure-trace |");
        // header + (poisson, mmpp) x (paper, chainplan)
        assertThat(Files.readAllLines(o.resolve("bursty.csv"))).hasSize(1 + 4);
        assertThat(o.resolve("bursty.png")).isRegularFile();
    }

    @Test
    void shouldRefuseALoadOutsideZeroToOne() {
        assertThat(run("experiment", "bursty", "--quick", "--loads", "1.5")).isEqualTo(2);
        assertThat(err.toString()).contains("--loads");
    }
}
