package io.chainplan.local.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceLoadTest {
    private static final Path AZURE = Path.of(System.getProperty("chainplan.shared.data", "../shared/data"),
            "azure-llm-2023-code.csv");

    @TempDir
    Path dir;

    @Test
    void shouldReadBothTimestampFormatsAndReplayTwiceAsFastAfterTheShift() throws IOException {
        Path f = dir.resolve("t.csv");
        Files.writeString(f, "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                + "2023-11-16 18:17:03.9799600,100,10\n"
                + "2023-11-16 18:17:13.9799600,200,20\n"
                + "2024-05-10 00:00:00.009930+00:00,1,1\n".replace("2024-05-10 00:00:00.009930+00:00",
                        "2023-11-16 18:17:33.979960+00:00"));
        TraceLoad load = TraceLoad.read(f, 5, 10, 2.0, 1e9);
        assertThat(load.next().orElseThrow().timeSeconds()).isEqualTo(5.0);
        // 10 s after the first row: 10 + (15 - 10) / 2
        assertThat(load.next().orElseThrow().timeSeconds()).isEqualTo(12.5, org.assertj.core.api.Assertions.within(1e-6));
        // 30 s after the first row, shifted: 10 + (35 - 10) / 2
        assertThat(load.next().orElseThrow().timeSeconds()).isEqualTo(22.5, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(load.next()).isEmpty();
    }

    @Test
    void shouldNameTheLineOfAMalformedRow() throws IOException {
        Path f = dir.resolve("bad.csv");
        Files.writeString(f, "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.9799600,x,10\n");
        assertThatThrownBy(() -> TraceLoad.read(f, Double.POSITIVE_INFINITY, 1, 1e9))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad.csv line 2: ContextTokens");
    }

    @Test
    void shouldReplayTheAzureTraceAtItsAverageRate() throws IOException {
        assumeThat(Files.exists(AZURE)).as("../shared/data/azure-llm-2023-code.csv is absent; skipping").isTrue();
        TraceLoad load = TraceLoad.read(AZURE, Double.POSITIVE_INFINITY, 1, 1e9);
        assertThat(load.size()).isEqualTo(8819);
    }
}
