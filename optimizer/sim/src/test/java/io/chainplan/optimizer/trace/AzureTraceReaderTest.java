package io.chainplan.optimizer.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.chainplan.optimizer.sim.RequestTrace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AzureTraceReaderTest {
    private static final double TOLERANCE = 1e-9;
    private static final String HEADER = "TIMESTAMP,ContextTokens,GeneratedTokens\n";
    private static final Path SHARED_TRACE = Path.of(System.getProperty("chainplan.shared.data", "../shared/data"),
            "azure-llm-2023-code.csv");

    @TempDir
    Path dir;

    private Path file(String csv) throws IOException {
        return Files.writeString(dir.resolve("trace.csv"), csv);
    }

    @Test
    void shouldReadThe2023Format() throws IOException {
        RequestTrace t = AzureTraceReader.read(file(HEADER
                + "2023-11-16 18:17:03.9799600,4808,10\n"
                + "2023-11-16 18:17:04.0319600,3180,8\n"));
        assertThat(t.size()).isEqualTo(2);
        assertThat(t.arrivalSeconds(1)).isCloseTo(0.052, offset(TOLERANCE));
        assertThat(t.inputTokens(0)).isEqualTo(4808);
        assertThat(t.outputTokens(1)).isEqualTo(8);
    }

    @Test
    void shouldReadThe2024FormatWithOffsetsAndShortFractions() throws IOException {
        RequestTrace t = AzureTraceReader.read(file(HEADER
                + "2024-05-10 00:00:00.009930+00:00,100,5\n"
                + "2024-05-10 00:00:01+00:00,200,6\n"
                + "2024-05-10 02:00:01.5+02:00,300,7\n"));
        assertThat(t.arrivalSeconds(1)).isCloseTo(1 - 0.00993, offset(TOLERANCE));
        assertThat(t.arrivalSeconds(2)).isCloseTo(1.5 - 0.00993, offset(TOLERANCE));
    }

    @Test
    void shouldAcceptBothFormatsInOneFileAndAnyHeaderCaseAndBlankLines() throws IOException {
        RequestTrace t = AzureTraceReader.read(file("timestamp,contexttokens,generatedtokens\n"
                + "2023-11-16 18:17:03.9799600,1,1\n\n"
                + "2023-11-16 18:17:05.979960+00:00, 2 ,3\n"));
        assertThat(t.arrivalSeconds(1)).isCloseTo(2, offset(TOLERANCE));
        assertThat(t.inputTokens(1)).isEqualTo(2);
    }

    @Test
    void shouldStopAfterTheLimitWithoutReadingFurther() throws IOException {
        RequestTrace t = AzureTraceReader.read(file(HEADER + "2023-11-16 18:17:03.0000000,1,1\n"
                + "2023-11-16 18:17:04.0000000,1,1\n2023-11-16 18:17:05.0000000,1,1\nnot a row\n"), 3);
        assertThat(t.size()).isEqualTo(3);
    }

    @Test
    void shouldNameTheFileLineAndFieldOfABadRow() throws IOException {
        String ok = "2023-11-16 18:17:03.0000000,1,1\n";
        assertThatThrownBy(() -> AzureTraceReader.read(file(HEADER + ok + "2023-11-16 18:17:04.0000000,x,1\n")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trace.csv line 3")
                .hasMessageContaining("ContextTokens");
        assertThatThrownBy(() -> AzureTraceReader.read(file(HEADER + ok + "2023-11-16 18:17:04.0000000,1,-4\n")))
                .hasMessageContaining("trace.csv line 3: GeneratedTokens must be >= 0, was -4");
        assertThatThrownBy(() -> AzureTraceReader.read(file(HEADER + ok + "2023/11/16,1,1\n")))
                .hasMessageContaining("trace.csv line 3: bad TIMESTAMP \"2023/11/16\"");
        assertThatThrownBy(() -> AzureTraceReader.read(file(HEADER + ok + "2023-11-16 18:17:04.0000000,1\n")))
                .hasMessageContaining("trace.csv line 3: expected 3 fields");
        assertThatThrownBy(() -> AzureTraceReader.read(file(HEADER + ok + "2023-11-16 18:17:02.0000000,1,1\n")))
                .hasMessageContaining("trace.csv line 3: TIMESTAMP 2023-11-16 18:17:02.0000000 is earlier");
    }

    @Test
    void shouldRejectAMissingColumnTooFewRowsAndAZeroSpan() throws IOException {
        assertThatThrownBy(() -> AzureTraceReader.read(file("time,a,b\n2023-11-16 18:17:03.0000000,1,1\n")))
                .hasMessageContaining("trace.csv: expected header TIMESTAMP,ContextTokens,GeneratedTokens, was time,a,b");
        assertThatThrownBy(() -> AzureTraceReader.read(file(HEADER + "2023-11-16 18:17:03.0000000,1,1\n")))
                .hasMessageContaining("trace.csv: 1 request row(s) after the header; a trace needs at least 2");
        assertThatThrownBy(() -> AzureTraceReader.read(file("")))
                .hasMessageContaining("trace.csv: expected header");
        assertThatThrownBy(() -> AzureTraceReader.read(file(HEADER + "2023-11-16 18:17:03.0000000,1,1\n"
                + "2023-11-16 18:17:03.0000000,2,2\n"))).hasMessageContaining("trace.csv lines 2-3: all 2 rows have the"
                        + " same TIMESTAMP; a zero span has no arrival rate");
        assertThatThrownBy(() -> AzureTraceReader.read(dir.resolve("absent.csv")))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("absent.csv");
    }

    @Test
    void shouldReadTheSharedAzureTraceWhenPresent() {
        Path p = SHARED_TRACE;
        Assumptions.assumeTrue(Files.exists(p), "../shared/data/azure-llm-2023-code.csv absent: skipping");
        RequestTrace all = AzureTraceReader.read(p);
        assertThat(all.size()).isEqualTo(8819);
        assertThat(all.meanRatePerSecond()).isCloseTo(2.57, offset(0.01));
        assertThat(all.arrivalSeconds(all.size() - 1)).isCloseTo(3436, offset(1.0));
        assertThat(all.inputTokens(0)).isEqualTo(4808);
        assertThat(AzureTraceReader.read(p, 1000).size()).isEqualTo(1000);
    }
}
