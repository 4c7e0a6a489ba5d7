package io.chainplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.ingest.app.IngestConfig;
import io.chainplan.optimizer.service.OptimizerConfig;
import io.chainplan.router.service.DispatchConfig;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.config.ConfigKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/**
 * The documentation of the configuration stays what the {@link ConfigDef}s say: the README's key
 * table is generated from {@link CliSupport#configDefs()} (run with
 * {@code -Dchainplan.readme.update=true} to rewrite it), and the examples in {@code ops/config}
 * load strictly and show the defaults.
 */
class ConfigDocumentationTest {
    private static final Path ROOT = Path.of("..");
    private static final String BEGIN = "<!-- config-keys: generated from the ConfigDefs by ConfigDocumentationTest -->";
    private static final String END = "<!-- /config-keys -->";
    private static final Pattern COMMENTED_KEY = Pattern.compile("^#\\s*([a-z][a-z0-9.\\-]*)=", Pattern.MULTILINE);

    @Test
    void shouldListEveryKeyInTheReadmeAsTheConfigDefsDefineIt() throws IOException {
        Path readme = ROOT.resolve("README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        assertThat(begin).as("README.md has the markers %s ... %s", BEGIN, END).isNotNegative().isLessThan(end);
        String expected = BEGIN + "\n" + table(CliSupport.configDefs()) + END;

        if (Boolean.getBoolean("chainplan.readme.update")) {
            Files.writeString(readme, text.substring(0, begin) + expected + text.substring(end + END.length()),
                    StandardCharsets.UTF_8);
            text = Files.readString(readme, StandardCharsets.UTF_8);
        }

        assertThat(text.substring(begin, text.indexOf(END) + END.length()))
                .as("README.md key table; rewrite it with mvn test -pl cli -Dtest=ConfigDocumentationTest "
                        + "-Dchainplan.readme.update=true")
                .isEqualTo(expected);
    }

    @Test
    void shouldLoadTheServiceExamplesStrictlyWithTheDefaults() throws IOException {
        ClientConfig ingest = example("ingest.properties");
        ClientConfig optimizer = example("optimizer.properties");

        assertThat(IngestConfig.of(ingest).settings()).isEqualTo(IngestConfig.of(ClientConfig.of(Map.of())).settings());
        assertThat(OptimizerConfig.from(optimizer)).isEqualTo(OptimizerConfig.defaults());
        assertThat(DispatchConfig.from(example("dispatch.properties"))).isEqualTo(DispatchConfig.defaults());
    }

    @Test
    void shouldLoadTheClientExamplesStrictly() throws IOException {
        assertThat(example("client.properties").kafkaProperties()).containsEntry("isolation.level", "read_committed");
        assertThat(example("router.properties").kafkaProperties()).containsKeys("isolation.level", "client.id");
    }

    /** Each example: every chainplan key, set or commented out, is known, and every one set has its default. */
    private static ClientConfig example(String name) throws IOException {
        Path file = ROOT.resolve("ops/config").resolve(name);
        ClientConfig c = CliSupport.load(file, Map.of());
        Matcher commented = COMMENTED_KEY.matcher(Files.readString(file, StandardCharsets.UTF_8));
        while (commented.find()) {
            String key = commented.group(1);
            if (ConfigKeys.isChainplanKey(key)) {
                assertThat(definition(key)).as("%s: commented-out key %s", name, key).isPresent();
            }
        }
        c.all().forEach((key, value) -> definition(key).ifPresent(def -> {
            ConfigDef.ConfigKey k = def.configKeys().get(key);
            assertThat(def.parse(Map.of(key, value)).get(key)).as("%s: %s", name, key).isEqualTo(k.defaultValue);
        }));
        return c;
    }

    private static Optional<ConfigDef> definition(String key) {
        return CliSupport.configDefs().stream().filter(d -> d.names().contains(key)).findFirst();
    }

    /** A markdown table of the keys, in definition order: key, type, default, valid values, meaning. */
    static String table(List<ConfigDef> defs) {
        StringBuilder b = new StringBuilder("| key | type | default | valid values | meaning |\n|---|---|---|---|---|\n");
        defs.stream().flatMap(d -> d.configKeys().values().stream()).forEach(k -> b.append("| `").append(k.name)
                .append("` | ").append(k.type.toString().toLowerCase(Locale.ROOT))
                .append(" | ").append(defaultOf(k))
                .append(" | ").append(k.validator == null ? "" : cell(k.validator.toString()))
                .append(" | ").append(cell(k.documentation)).append(" |\n"));
        return b.toString();
    }

    private static String defaultOf(ConfigDef.ConfigKey k) {
        if (k.defaultValue == null) {
            return "";
        }
        String s = ConfigDef.convertToString(k.defaultValue, k.type);
        return s.isEmpty() ? "`\"\"`" : "`" + s + "`";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
