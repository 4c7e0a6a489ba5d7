package io.chainplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.local.EmbeddedKafkaBroker;
import io.chainplan.local.registry.EmbeddedSchemaRegistry;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.registry.RestSchemaRegistryClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs {@code chainplan schema-registry} in-process against an in-process broker, uses it, restarts it, stops it. */
class SchemaRegistryCommandIT {
    @TempDir
    Path dir;

    @Test
    void shouldServeSchemasKeptOnTheClustersSchemasTopicAcrossRestarts() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("data"), 0)) {
            Path config = Files.writeString(dir.resolve("client.properties"), "bootstrap.servers=" + broker.bootstrapServers() + "\n");
            StringWriter err = new StringWriter();
            int id;
            try (Running first = start(config, "0.0.0.0", err)) {
                assertThat(first.registry().address().getAddress().isAnyLocalAddress()).isTrue();
                id = RestSchemaRegistryClient.create(first.registry().url()).register("m-value", ModelSpec.getClassSchema());
            }
            try (Running second = start(config, "127.0.0.1", err)) {
                assertThat(RestSchemaRegistryClient.create(second.registry().url()).schemaById(id))
                        .isEqualTo(ModelSpec.getClassSchema());
            }
            assertThat(err.toString()).contains("chainplan schema-registry: listening on 0.0.0.0:")
                    .contains("schemas in _schemas on " + broker.bootstrapServers());
        }
    }

    @Test
    void shouldRejectAPortOutOfRangeAsUsage() {
        CommandLine cl = commandLine(new SchemaRegistryCommand());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));

        assertThat(cl.execute("schema-registry", "--port", "70000")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("chainplan schema-registry: --port must be in [0, 65535], was 70000"
                + System.lineSeparator());
    }

    /** A registry command running on another thread until closed. */
    private record Running(SchemaRegistryCommand command, CompletableFuture<Integer> exit, EmbeddedSchemaRegistry registry)
            implements AutoCloseable {
        @Override
        public void close() throws Exception {
            command.requestStop();
            assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
        }
    }

    private static Running start(Path config, String bind, StringWriter err) throws Exception {
        SchemaRegistryCommand command = new SchemaRegistryCommand();
        CommandLine cl = commandLine(command);
        cl.setErr(new PrintWriter(err, true));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute("schema-registry",
                "--config", config.toString(), "--bind", bind, "--port", "0"));
        return new Running(command, exit, command.ready().get(60, TimeUnit.SECONDS));
    }

    private static CommandLine commandLine(SchemaRegistryCommand command) {
        // under a chainplan parent (tests execute "schema-registry ..."), so error lines name the whole command as in the jar
        CommandLine top = new CommandLine(CommandLine.Model.CommandSpec.create().name("chainplan"));
        top.addSubcommand("schema-registry", command);
        top.setExecutionExceptionHandler(new ErrorHandler());
        return top;
    }
}
