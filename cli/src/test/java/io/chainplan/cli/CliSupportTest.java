package io.chainplan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.ingest.app.IngestConfig;
import io.chainplan.optimizer.service.OptimizerConfig;
import io.chainplan.schemas.config.ClientConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the Kafka-facing commands load {@code --config}: every bad or unknown setting fails before
 * anything connects, as one line on stderr naming the key (and the value) with exit code 2.
 */
class CliSupportTest extends CommandTestSupport {
    @TempDir
    Path dir;

    @Test
    void shouldRefuseAMisspeltOptimizerKeyWithASuggestionAndExitCode2() throws IOException {
        int code = run("optimizer", "--config", config("chainplan.optimizer.min.intervall.ms=5000"));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("chainplan optimizer: unknown configuration key "
                + "chainplan.optimizer.min.intervall.ms (did you mean chainplan.optimizer.min.interval.ms?)"
                + System.lineSeparator());
    }

    @Test
    void shouldRefuseATransactionTimeoutTheBrokerWouldRefuse() throws IOException {
        int code = run("optimizer", "--config", config("chainplan.optimizer.transaction.timeout.ms=3000000000"));

        assertThat(code).isEqualTo(2);
        assertThat(oneLine()).contains("chainplan.optimizer.transaction.timeout.ms").contains("3000000000");
    }

    @Test
    void shouldRefuseAnIngestIntegerThatWouldBeTruncated() throws IOException {
        int code = run("ingest", "--config", config("chainplan.ingest.demand.horizon.windows=4294967328"));

        assertThat(code).isEqualTo(2);
        assertThat(oneLine()).isEqualTo("chainplan ingest: Invalid value 4294967328 for configuration "
                + "chainplan.ingest.demand.horizon.windows: Not a number of type INT");
    }

    @Test
    void shouldRefuseAnIngestValueOutOfRange() throws IOException {
        int code = run("ingest", "--config", config("chainplan.ingest.metrics.port=70000"));

        assertThat(code).isEqualTo(2);
        assertThat(oneLine()).contains("chainplan.ingest.metrics.port").contains("70000");
    }

    @Test
    void shouldRefuseABadRegistryUrlInAudit() throws IOException {
        int code = run("audit", "list", "--model", "m", "--config", config("schema.registry.url=registry:8081"));

        assertThat(code).isEqualTo(2);
        assertThat(oneLine()).startsWith("chainplan audit list: Invalid value registry:8081 for configuration schema.registry.url");
    }

    @Test
    void shouldRefuseAnUnknownChainplanKeyInModelCommands() throws IOException {
        Path model = dir.resolve("model.json");
        Files.writeString(model, """
                {"id": "m", "blocks": 4, "blockBytes": 100, "cacheBytesPerBlockPerJob": 10}
                """);

        int put = run("model", "put", "--file", model.toString(), "--config", config("topic.prefx=prod."));
        int list = run("model", "list", "--config", config("chainplan.optimiser.poll.ms=20"));

        assertThat(put).isEqualTo(2);
        assertThat(list).isEqualTo(2);
        assertThat(err.toString()).contains("topic.prefx (did you mean topic.prefix?)")
                .contains("chainplan.optimiser.poll.ms (did you mean chainplan.optimizer.poll.ms?)");
    }

    @Test
    void shouldPassKafkaKeysThroughAndExit2WhenTheKafkaClientRefusesOne() throws IOException {
        int code = run("audit", "list", "--model", "m", "--config", config("max.poll.records=many"));

        assertThat(code).isEqualTo(2);
        assertThat(oneLine()).isEqualTo("chainplan audit list: Invalid value many for configuration max.poll.records: "
                + "Not a number of type INT");
    }

    @Test
    void shouldAcceptOneFileForEveryServiceButNoMisspeltKey() throws IOException {
        ClientConfig shared = CliSupport.load(Path.of(config(IngestConfig.DEMAND_WINDOW_MS_CONFIG + "=30000",
                OptimizerConfig.MIN_INTERVAL_MS_CONFIG + "=0", "acks=all")));

        assertThat(IngestConfig.of(shared).settings().demand().windowMillis()).isEqualTo(30_000);
        assertThat(OptimizerConfig.from(shared).replan().minIntervalMillis()).isZero();
        assertThatThrownBy(() -> CliSupport.load(Path.of(config("chainplan.bogus=1"))))
                .isInstanceOf(ConfigException.class).hasMessage("unknown configuration key chainplan.bogus");
    }

    private String oneLine() {
        assertThat(err.toString().lines()).hasSize(1);
        return err.toString().strip();
    }

    private String config(String... lines) throws IOException {
        Path f = Files.createTempFile(dir, "config", ".properties");
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f.toString();
    }
}
