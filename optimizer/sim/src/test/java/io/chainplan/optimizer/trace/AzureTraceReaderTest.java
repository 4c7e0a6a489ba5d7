package io.chainplan.optimizer.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.chainplan.optimizer.sim.RequestTrace;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class AzureTraceReaderTest {
    private static final double TOLERANCE = 1e-9;
    private static final Path SHARED_TRACE = Path.of(System.getProperty("chainplan.shared.data", "../shared/data"),
            "azure-llm-2023-code.csv");

    private static RequestTrace parse(String csv, int limit) throws Exception {
        return AzureTraceReader.parse(new BufferedReader(new StringReader(csv)), limit, "test.csv");
    }

    @Test
    void shouldReadThe2023Format() throws Exception {
        RequestTrace t = parse("TIMESTAMP,ContextTokens,GeneratedTokens\n"
                + "2023-11-16 18:17:03.9799600,4808,10\n"
                + "2023-11-16 18:17:04.0319600,3180,8\n", 10);
        assertThat(t.size()).isEqualTo(2);
        assertThat(t.arrivalSeconds(1)).isCloseTo(0.052, offset(TOLERANCE));
        assertThat(t.inputTokens(0)).isEqualTo(4808);
        assertThat(t.outputTokens(1)).isEqualTo(8);
    }

    @Test
    void shouldReadThe2024FormatWithOffsetsAndShortFractions() throws Exception {
        RequestTrace t = parse("TIMESTAMP,ContextTokens,GeneratedTokens\n"
                + "2024-05-10 00:00:00.009930+00:00,100,5\n"
                + "2024-05-10 00:00:01+00:00,200,6\n"
                + "2024-05-10 02:00:01.5+02:00,300,7\n", 10);
        assertThat(t.arrivalSeconds(1)).isCloseTo(1 - 0.00993, offset(TOLERANCE));
        assertThat(t.arrivalSeconds(2)).isCloseTo(1.5 - 0.00993, offset(TOLERANCE));
    }

    @Test
    void shouldStopAfterTheLimit() throws Exception {
        RequestTrace t = parse("TIMESTAMP,ContextTokens,GeneratedTokens\n"
                + "2023-11-16 18:17:03.0000000,1,1\n2023-11-16 18:17:04.0000000,1,1\n2023-11-16 18:17:05.0000000,1,1\n", 2);
        assertThat(t.size()).isEqualTo(2);
    }

    @Test
    void shouldNameTheLineOfABadRow() {
        assertThatThrownBy(() -> parse("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.0000000,x,1\n", 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2").hasMessageContaining("ContextTokens");
        assertThatThrownBy(() -> parse("TIMESTAMP,ContextTokens,GeneratedTokens\n2023/11/16,1,1\n", 5))
                .hasMessageContaining("bad TIMESTAMP");
        assertThatThrownBy(() -> parse("time,a,b\n", 5)).hasMessageContaining("header");
    }

    @Test
    void shouldReadTheSharedAzureTraceWhenPresent() {
        Path p = SHARED_TRACE;
        Assumptions.assumeTrue(Files.exists(p), "../shared/data/azure-llm-2023-code.csv absent: skipping");
        RequestTrace all = AzureTraceReader.read(p, Integer.MAX_VALUE);
        assertThat(all.size()).isEqualTo(8819);
        assertThat(all.meanRatePerSecond()).isCloseTo(2.57, offset(0.01));
        assertThat(AzureTraceReader.read(p, 1000).size()).isEqualTo(1000);
    }
}
