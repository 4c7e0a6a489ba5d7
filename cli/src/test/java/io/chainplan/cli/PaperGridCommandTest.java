package io.chainplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PaperGridCommandTest extends CommandTestSupport {
    @TempDir
    Path dir;

    @Test
    void shouldRunTheQuickGridAndWriteTableCsvAndPlots() throws Exception {
        Path o = dir.resolve("grid");
        int code = run("experiment", "paper-grid", "--quick", "--servers", "10", "--sweep-rates", "0.3", "--out", o.toString(),
                "--rtt-csv", dir.resolve("none.csv").toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("# experiment paper-grid").contains("2 seeds per cell (base seed 1)")
                .contains("| J | eta | lambda | chainplan (s) | PETALS (s) | BPRR (s) | vs PETALS | vs BPRR |")
                .contains("| 10 | 0.1 | 0.20 |").contains("| 20 | 0.2 | 0.30 |");
        // header + (2 grid cells + 1 sweep cell) x 3 methods
        assertThat(Files.readAllLines(o.resolve("paper-grid.csv"))).hasSize(1 + 3 * 3)
                .first().asString().startsWith("part,servers,eta,lambda,method,mean_response_s");
        assertThat(Files.readString(o.resolve("paper-grid.md"))).contains("| 10 | 0.4 | 0.20 |");
        for (String png : new String[] {"paper-grid-vs-j.png", "paper-grid-vs-eta.png", "paper-grid-lambda.png"}) {
            assertThat(Files.size(o.resolve(png))).as(png).isPositive();
        }
    }

    @Test
    void shouldReproduceItsNumbersForTheSameSeed() throws Exception {
        String[] args = {"experiment", "paper-grid", "--servers", "10", "--etas", "0.4", "--sweep-rates", "0", "--seeds", "1",
            "--requests", "200", "--rtt-csv", dir.resolve("none.csv").toString(), "--out"};
        assertThat(run(concat(args, dir.resolve("a").toString()))).isZero();
        assertThat(run(concat(args, dir.resolve("b").toString()))).isZero();
        assertThat(Files.readString(dir.resolve("b").resolve("paper-grid.csv")))
                .isEqualTo(Files.readString(dir.resolve("a").resolve("paper-grid.csv")));
    }

    @Test
    void shouldRejectAnUnknownBaselinePool() {
        int code = run("experiment", "paper-grid", "--quick", "--baseline-pool", "huge", "--out", dir.toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("HUGE");
    }

    private static String[] concat(String[] a, String last) {
        String[] r = java.util.Arrays.copyOf(a, a.length + 1);
        r[a.length] = last;
        return r;
    }
}
