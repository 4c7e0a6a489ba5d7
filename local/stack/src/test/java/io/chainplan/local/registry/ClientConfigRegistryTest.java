package io.chainplan.local.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.registry.RestSchemaRegistryClient;
import io.chainplan.schemas.registry.SchemaRegistryException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link ClientConfig#schemaRegistry()}: basic auth from the environment reaches the embedded
 * registry (TLS is tested against HTTPS endpoints in the schemas module, {@code ClientConfigTlsTest}).
 */
class ClientConfigRegistryTest {
    @Test
    void shouldUseBasicAuthFromTheEnvironment() {
        try (EmbeddedSchemaRegistry server = EmbeddedSchemaRegistry.startInMemory(0, Optional.of("bob:pw"))) {
            ClientConfig config = ClientConfig.load(null, Map.of("CHAINPLAN_SCHEMA_REGISTRY_URL", server.url(),
                    "CHAINPLAN_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "bob:pw"));

            assertThat(config.schemaRegistry().subjects()).isEmpty();
            assertThatThrownBy(() -> RestSchemaRegistryClient.create(server.url()).subjects())
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(401));
        }
    }
}
