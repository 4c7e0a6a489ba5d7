package io.chainplan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.schemas.avro.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCommandTest {
    @TempDir
    Path dir;

    private Path file(String json) throws IOException {
        Path f = dir.resolve("model.json");
        Files.writeString(f, json);
        return f;
    }

    private static String spec(String blocks, String blockBytes, String extra) {
        return "{\"id\": \"llama-2-7b\", \"blocks\": " + blocks + ", \"blockBytes\": " + blockBytes
                + ", \"cacheBytesPerBlockPerJob\": 33600000" + extra + "}";
    }

    @Test
    void shouldParseAGoodSpec() throws IOException {
        ModelSpec m = ModelCommand.Put.parse(file(spec("32", "437500000", ", \"contextTokens\": 4096, \"meanInputTokens\": 1000")));

        assertThat(m.getBlocks()).isEqualTo(32);
        assertThat(m.getContextTokens()).isEqualTo(4096);
        assertThat(m.getMeanInputTokens()).isEqualTo(1000.0);
        assertThat(m.getDeclaredRatePerSecond()).as("no declared rate: the first plan waits for demand").isNull();
        assertThat(ModelCommand.Put.parse(file(spec("32", "437500000", ", \"declaredRatePerSecond\": 2.5")))
                .getDeclaredRatePerSecond()).isEqualTo(2.5);
    }

    @Test
    void shouldRefuseAtPublishWhatEveryServiceWouldDeadLetter() throws IOException {
        assertThatThrownBy(() -> ModelCommand.Put.parse(file(spec("4294967328", "437500000", ""))))
                .isInstanceOf(UsageException.class).hasMessage("model field blocks must be in [1, 1024], was 4294967328");
        assertThatThrownBy(() -> ModelCommand.Put.parse(file(spec("2.5", "437500000", ""))))
                .hasMessage("model field blocks is missing or not an integer");
        assertThatThrownBy(() -> ModelCommand.Put.parse(file(spec("32", "0", ""))))
                .hasMessageEndingWith("blockBytes of model llama-2-7b must be in [1, 17592186044416] (16 TiB), was 0");
        assertThatThrownBy(() -> ModelCommand.Put.parse(file(spec("32", "437500000", ", \"meanInputTokens\": 5000"))))
                .hasMessageContaining("meanInputTokens of model llama-2-7b must be in [0, 2048]");
        assertThatThrownBy(() -> ModelCommand.Put.parse(file(spec("32", "437500000", ", \"meanOutputTokens\": \"many\""))))
                .hasMessage("model field meanOutputTokens is not a number");
        assertThatThrownBy(() -> ModelCommand.Put.parse(file(spec("32", "437500000", ", \"declaredRatePerSecond\": 0"))))
                .hasMessageContaining("declaredRatePerSecond of model llama-2-7b must be above 0 requests per second");
    }
}
