package io.chainplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.cli.format.FleetFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchSolveCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldPrintOneRowPerSizeAndWriteTheFleets() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cl = ChainplanCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));

        int code = cl.execute("bench", "solve", "--j", "5,12", "--runs", "1", "--warmup", "0", "--seed", "7",
                "--rtt-csv", dir.resolve("absent.csv").toString(), "--fleet-out", dir.toString());

        assertThat(code).isZero();
        assertThat(out.toString()).contains("RTT uniform 5-60 ms").contains("median_ms");
        assertThat(out.toString().lines().filter(l -> l.endsWith("same")).count()).isEqualTo(2);
        assertThat(FleetFiles.read(dir.resolve("fleet-J12-seed7.json")).servers()).hasSize(12);
    }
}
