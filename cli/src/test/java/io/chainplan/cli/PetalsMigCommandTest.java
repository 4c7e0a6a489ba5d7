package io.chainplan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PetalsMigCommandTest extends CommandTestSupport {
    private static final Path TRACE = Path.of(System.getProperty("chainplan.shared.data", "../shared/data"),
            "azure-llm-2023-code.csv");

    @TempDir
    Path dir;

    @Test
    void shouldReplayTheQuickTraceForAllFourMethodsWithThePapersNumbersBeside() throws Exception {
        assumeTrue(Files.isRegularFile(TRACE), "shared data absent: " + TRACE.toAbsolutePath() + " (see shared/data/README.md)");
        Path o = dir.resolve("mig");
        int code = run("experiment", "petals-mig", "--quick", "--trace", TRACE.toString(), "--out", o.toString(),
                "--rtt-csv", dir.resolve("none.csv").toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("# experiment petals-mig").contains("first 150 requests")
                .contains("| petals |").contains("| bprr |").contains("| whole-model |").contains("| chainplan |");
        // header + 4 methods x (response, waiting, service)
        assertThat(Files.readAllLines(o.resolve("petals-mig.csv"))).hasSize(1 + 4 * 3);
        assertThat(o.resolve("petals-mig.md")).exists();
    }

    @Test
    void shouldFailWithAUsageErrorWhenTheTraceIsMissing() {
        int code = run("experiment", "petals-mig", "--quick", "--trace", dir.resolve("absent.csv").toString(),
                "--out", dir.toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("absent.csv").contains("not found");
    }
}
