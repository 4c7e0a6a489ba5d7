package io.chainplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.local.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chainplan model put} and {@code model list} against a real broker and registry; with the
 * registry down, {@code model list} fails with one line naming it instead of listing no model.
 */
class ModelCommandIT extends CommandTestSupport {
    @TempDir
    Path dir;

    @Test
    void shouldListWhatWasPutAndExitOneNamingTheRegistryWhenItIsDown() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalStack.Settings.ephemeral(dir.resolve("stack")))) {
            Path config = dir.resolve("client.properties");
            Files.writeString(config, "bootstrap.servers=" + stack.bootstrapServers() + "\nschema.registry.url="
                    + stack.schemaRegistryUrl() + "\n");
            Path model = dir.resolve("model.json");
            Files.writeString(model, "{\"id\": \"llama-2-7b\", \"blocks\": 32, \"blockBytes\": 437500000, "
                    + "\"cacheBytesPerBlockPerJob\": 33600000}");
            assertThat(run("model", "put", "--config", config.toString(), "--file", model.toString())).as(err.toString()).isZero();
            assertThat(run("model", "list", "--config", config.toString())).as(err.toString()).isZero();
            assertThat(out.toString()).contains("llama-2-7b", "437500000");
            out.getBuffer().setLength(0);

            stack.registry().close();

            assertThat(run("model", "list", "--config", config.toString())).isEqualTo(1);
            assertThat(out.toString()).isEmpty();
            assertThat(err.toString().lines()).singleElement().asString()
                    .startsWith("chainplan model list: cannot read " + stack.topics().models() + ": schema registry "
                            + stack.schemaRegistryUrl() + " is unreachable");
        }
    }
}
