package io.chainplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.cli.format.FleetFiles;
import io.chainplan.cli.format.PlanFiles;
import io.chainplan.optimizer.fleets.PaperFleets;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.tuning.CapacitySearch;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 16, deliverable 6: each bad input is one line naming the option, field or file, exit 2; a failure
 * (an unreachable broker) names its address, exit 1.
 */
class ActionableErrorsTest extends CommandTestSupport {
    @TempDir
    Path dir;

    private Path fleet(String name, long seed) throws Exception {
        Fleet fleet = PaperFleets.generate(10, 0.2, List.of(), new SplittableRandom(seed)).withArrivalRate(0.2);
        Path f = dir.resolve(name);
        FleetFiles.write(fleet, f);
        return f;
    }

    @Test
    void shouldNameRequestsWhenItIsNegative() throws Exception {
        assertThat(run("simulate", "--fleet", fleet("f.json", 1).toString(), "--requests", "-5")).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("chainplan simulate: --requests must be in [1, ")
                .doesNotContain("--warmup").doesNotContain("\n");
    }

    @Test
    void shouldSayATablePlanIsNotAJsonPlanFile() throws Exception {
        Path f = fleet("f.json", 1);
        Path table = dir.resolve("plan.txt");
        assertThat(run("solve", "--fleet", f.toString())).isZero();
        Files.writeString(table, out.toString());

        assertThat(run("simulate", "--fleet", f.toString(), "--plan", table.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--plan " + table + ": not a JSON plan file")
                .contains("chainplan solve --format json");
    }

    @Test
    void shouldRefuseAPlanOfAnotherFleet() throws Exception {
        Path mine = fleet("mine.json", 1);
        Path other = fleet("other.json", 2);
        Path plan = dir.resolve("plan.json");
        PlanFiles.write(new CapacitySearch().solve(FleetFiles.read(other)), plan);

        assertThat(run("simulate", "--fleet", mine.toString(), "--plan", plan.toString(), "--requests", "100"))
                .isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("chainplan simulate: --plan " + plan + " is not a plan of --fleet "
                + mine + ": ").doesNotContain("\n");
    }

    @Test
    void shouldAcceptThePlanOfItsOwnFleet() throws Exception {
        Path f = fleet("f.json", 1);
        Path plan = dir.resolve("plan.json");
        PlanFiles.write(new CapacitySearch().solve(FleetFiles.read(f)), plan);

        assertThat(run("simulate", "--fleet", f.toString(), "--plan", plan.toString(), "--requests", "200",
                "--no-progress")).as(err.toString()).isZero();
    }

    @Test
    void shouldNameTheBrokerAddressWhenNoneAnswers() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("client.properties");
        Files.writeString(config, "bootstrap.servers=localhost:" + port + "\n");

        assertThat(run("audit", "list", "--model", "m", "--config", config.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("cannot reach Kafka at localhost:" + port + " (bootstrap.servers) within 5 s");
        err.getBuffer().setLength(0);
        assertThat(run("model", "list", "--config", config.toString())).isEqualTo(1);
        assertThat(err.toString().lines()).singleElement().asString()
                .startsWith("chainplan model list: cannot reach Kafka at localhost:" + port + " (bootstrap.servers)");
    }

    @Test
    void shouldAcceptHelpOnVersion() {
        assertThat(run("version", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: chainplan version");
    }

    @Test
    void shouldPrintSimulateHelpWithoutFormatWarnings() {
        PrintStream before = System.err;
        ByteArrayOutputStream tracer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(tracer, true, StandardCharsets.UTF_8));
        try {
            assertThat(run("simulate", "--help")).isZero();
        } finally {
            System.setErr(before);
        }
        assertThat(out.toString()).contains("(default: 10% for");
        assertThat(tracer.toString(StandardCharsets.UTF_8) + err).doesNotContain("picocli WARN");
    }

    @Test
    void shouldSayWhenExperimentsFallBackToUniformRtts() throws Exception {
        CommandLine cl = new CommandLine(new VersionCommand());
        StringWriter w = new StringWriter();
        cl.setErr(new PrintWriter(w, true));
        Path absent = dir.resolve("absent.csv");

        assertThat(CliSupport.rttSamples(absent, cl.getCommandSpec())).isEmpty();
        assertThat(w.toString().strip()).isEqualTo("version: note: no RTT file " + absent + " (from "
                + Path.of("").toAbsolutePath() + "); using uniform 5-60 ms RTTs; set --rtt-csv PATH");
    }
}
