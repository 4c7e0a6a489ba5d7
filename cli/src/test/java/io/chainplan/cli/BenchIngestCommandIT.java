package io.chainplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Runs {@code chainplan bench ingest --quick} on an in-process broker (a few seconds). */
class BenchIngestCommandIT {
    @Test
    void shouldPrintTheRawAndTheApplicationRatesAndTheirRatio() {
        StringWriter out = new StringWriter();
        CommandLine cl = ChainplanCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));

        int code = cl.execute("bench", "ingest", "--quick");

        assertThat(code).isZero();
        assertThat(out.toString()).contains("exactly_once_v2", "warm-up", "raw produce + consume, median",
                "produce + ingest app, median", "ratio app / raw", "goal >= 50,000", "goal >= 0.50");
    }

    @Test
    void shouldRejectTooFewEvents() {
        CommandLine cl = ChainplanCommand.commandLine();
        cl.setErr(new PrintWriter(new StringWriter(), true));
        assertThat(cl.execute("bench", "ingest", "--events", "10")).isEqualTo(2);
    }

    @Test
    void shouldRejectZeroRoundsAndANegativeWarmup() {
        CommandLine cl = ChainplanCommand.commandLine();
        cl.setErr(new PrintWriter(new StringWriter(), true));
        assertThat(cl.execute("bench", "ingest", "--rounds", "0")).isEqualTo(2);
        assertThat(cl.execute("bench", "ingest", "--warmup", "-1")).isEqualTo(2);
    }
}
