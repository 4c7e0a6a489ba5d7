package io.chainplan.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
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

    @Test
    void shouldRefuseAnUnknownRegistryKeyAndSuggestTheKnownOne() {
        assertThatThrownBy(() -> ClientConfig.of(Map.of("schema.registry.basic.auth.userinfo", "alice:secret")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown configuration key schema.registry.basic.auth.userinfo "
                        + "(did you mean schema.registry.basic.auth.user.info?)");
    }

    @Test
    void shouldRefuseAMisspeltTopicPrefixButPassStreamsTopicKeysThrough() {
        assertThatThrownBy(() -> ClientConfig.load(null, Map.of("CHAINPLAN_TOPIC_PREFX", "prod.")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("topic.prefx (did you mean topic.prefix?)");
        assertThatThrownBy(() -> ClientConfig.of(Map.of("topic.prefix.plans", "p")))
                .hasMessageContaining("unknown configuration key topic.prefix.plans");

        ClientConfig c = ClientConfig.of(Map.of("topic.segment.bytes", "1048576", "acks", "all"));

        assertThat(c.kafkaProperties()).containsEntry("topic.segment.bytes", "1048576").containsEntry("acks", "all");
    }

    @Test
    void shouldNameTheKeyAndValueOfABadValue() {
        assertThatThrownBy(() -> ClientConfig.of(Map.of(ClientConfig.SCHEMA_REGISTRY_URL_CONFIG, "registry:8081")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(ClientConfig.SCHEMA_REGISTRY_URL_CONFIG).hasMessageContaining("registry:8081");
        assertThatThrownBy(() -> ClientConfig.of(Map.of(ClientConfig.TOPIC_PREFIX_CONFIG, "my topics.")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(ClientConfig.TOPIC_PREFIX_CONFIG).hasMessageContaining("my topics.");
    }

    @Test
    void shouldLeaveServiceKeysToTheServicesUntilAllAreChecked() {
        ClientConfig c = ClientConfig.of(Map.of("chainplan.svc.window.ms", "5", "chainplan.svc.windw.ms", "5"));
        ConfigDef service = new ConfigDef().define("chainplan.svc.window.ms", ConfigDef.Type.LONG, 1L,
                ConfigDef.Importance.LOW, "a window");

        assertThat(c.kafkaProperties()).doesNotContainKeys("chainplan.svc.window.ms", "chainplan.svc.windw.ms");
        assertThatThrownBy(() -> c.requireKnownKeys(service))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown configuration key chainplan.svc.windw.ms (did you mean chainplan.svc.window.ms?)");
        assertThat(ClientConfig.of(Map.of("chainplan.svc.window.ms", "5")).requireKnownKeys(service)).isNotNull();
    }

    @Test
    void shouldDefineEveryKeyOnceWithItsDoc() throws Exception {
        ConfigDef def = ClientConfig.configDef();
        for (java.lang.reflect.Field f : ClientConfig.class.getFields()) {
            if (f.getName().endsWith("_CONFIG")) {
                String key = (String) f.get(null);
                String doc = (String) ClientConfig.class.getField(f.getName().replaceAll("_CONFIG$", "_DOC")).get(null);
                assertThat(def.configKeys().get(key).documentation).as(key).isEqualTo(doc).isNotBlank();
            }
        }
        assertThat(def.defaultValues()).containsEntry(ClientConfig.BOOTSTRAP_SERVERS_CONFIG, ClientConfig.BOOTSTRAP_SERVERS_DEFAULT)
                .containsEntry(ClientConfig.SCHEMA_REGISTRY_URL_CONFIG, ClientConfig.SCHEMA_REGISTRY_URL_DEFAULT);
    }
}
