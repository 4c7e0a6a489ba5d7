package io.chainplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchSimulateCommandTest {
    @Test
    void shouldPrintOneRowPerPolicy() {
        StringWriter out = new StringWriter();
        CommandLine cl = ChainplanCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("bench", "simulate", "--chains", "10", "--requests", "2000", "--runs", "1", "--warmup", "0",
                "--policies", "jffc,jsq");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("median_req/s").containsPattern("(?m)^jffc\\s+10\\s+2000")
                .containsPattern("(?m)^jsq\\s+10");
    }
}
