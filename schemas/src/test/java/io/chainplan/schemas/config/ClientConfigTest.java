package io.chainplan.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientConfigTest {
    @TempDir
    Path dir;

    @Test
    void shouldOverlayEnvironmentOnTheFile() throws IOException {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, """
                bootstrap.servers=file:9092
                security.protocol=SASL_SSL
                schema.registry.url=https://registry.example:8081,https://backup:8081
                """);
        Map<String, String> env = Map.of("CHAINPLAN_BOOTSTRAP_SERVERS", "env:9093",
                "CHAINPLAN_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "alice:secret", "PATH", "/bin");

        ClientConfig c = ClientConfig.load(file, env);

        assertThat(c.bootstrapServers()).isEqualTo("env:9093");
        assertThat(c.schemaRegistryUrl()).isEqualTo("https://registry.example:8081");
        assertThat(c.basicAuthUserInfo()).hasValue("alice:secret");
        assertThat(c.toString()).doesNotContain("secret");
    }

    @Test
    void shouldPassKafkaPropertiesThroughAndKeepChainplanKeysOut() {
        ClientConfig c = ClientConfig.load(null, Map.of(
                "CHAINPLAN_SECURITY_PROTOCOL", "SSL",
                "CHAINPLAN_SSL_TRUSTSTORE_LOCATION", "/etc/ts.jks",
                "CHAINPLAN_SCHEMA_REGISTRY_URL", "http://r:8081",
                "CHAINPLAN_TOPIC_PREFIX", "prod."));

        assertThat(c.kafkaProperties()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SSL", "ssl.truststore.location", "/etc/ts.jks", "bootstrap.servers", "localhost:9092"));
        assertThat(c.topics().plans()).isEqualTo("prod.plans");
    }

    @Test
    void shouldMapDoubleUnderscoreToDash() {
        assertThat(ClientConfig.envToKey("CHAINPLAN_SASL_JAAS_CONFIG")).isEqualTo("sasl.jaas.config");
        assertThat(ClientConfig.envToKey("CHAINPLAN_CHAINPLAN_MY__KEY")).isEqualTo("chainplan.my-key");
    }

    @Test
    void shouldReadTheFileNamedByTheEnvironment() throws IOException {
        Path file = dir.resolve("c.properties");
        Files.writeString(file, "topic.prefix=t.\n");

        ClientConfig c = ClientConfig.load(null, Map.of("CHAINPLAN_CONFIG_FILE", file.toString()));

        assertThat(c.topics().prefix()).isEqualTo("t.");
        assertThat(c.schemaRegistryUrl()).isEqualTo("http://localhost:8081");
        assertThat(c.all()).doesNotContainKey("config.file");
    }

    @Test
    void shouldNameAMissingFile() {
        assertThatThrownBy(() -> ClientConfig.load(dir.resolve("missing.properties"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.properties");
    }
}
