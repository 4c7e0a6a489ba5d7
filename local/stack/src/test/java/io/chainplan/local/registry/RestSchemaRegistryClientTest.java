package io.chainplan.local.registry;

import io.chainplan.schemas.registry.RestSchemaRegistryClient;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.registry.SchemaRegistryContract;
import io.chainplan.schemas.registry.SchemaRegistryException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.schemas.avro.ModelSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The REST client against {@link EmbeddedSchemaRegistry} over HTTP (in-memory store, no broker). */
class RestSchemaRegistryClientTest extends SchemaRegistryContract {
    private final List<EmbeddedSchemaRegistry> servers = new ArrayList<>();

    @Override
    protected SchemaRegistry registry() {
        return RestSchemaRegistryClient.create(server(Optional.empty()).url());
    }

    private EmbeddedSchemaRegistry server(Optional<String> auth) {
        EmbeddedSchemaRegistry s = EmbeddedSchemaRegistry.startInMemory(0, auth);
        servers.add(s);
        return s;
    }

    @AfterEach
    void stopServers() {
        servers.forEach(EmbeddedSchemaRegistry::close);
    }

    @Test
    void shouldCarrySubjectNotFoundAndVersionNotFoundCodes() {
        RestSchemaRegistryClient client = RestSchemaRegistryClient.create(server(Optional.empty()).url());
        client.register("m-value", V1);

        assertThatThrownBy(() -> client.versions("nope-value")).isInstanceOfSatisfying(SchemaRegistryException.class,
                e -> assertThat(e.errorCode()).isEqualTo(40401));
        assertThatThrownBy(() -> client.version("m-value", 7)).isInstanceOfSatisfying(SchemaRegistryException.class,
                e -> assertThat(e.errorCode()).isEqualTo(40402));
        assertThat(client.version("m-value", 1).schema()).isEqualTo(V1);
        assertThat(client.versions("m-value")).containsExactly(1);
    }

    @Test
    void shouldCarryIncompatibleCodeAndServerMessage() {
        RestSchemaRegistryClient client = RestSchemaRegistryClient.create(server(Optional.empty()).url());
        client.register("m-value", V1);

        assertThatThrownBy(() -> client.register("m-value", V2_BREAKING))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isIncompatible()).isTrue())
                .hasMessageContaining("incompatible").hasMessageContaining("HTTP 409");
    }

    @Test
    void shouldListSubjectsAndEscapeOddSubjectNames() {
        RestSchemaRegistryClient client = RestSchemaRegistryClient.create(server(Optional.empty()).url());

        client.register("a b/c+d-value", V1);
        client.register("chainplan.models-value", ModelSpec.getClassSchema());

        assertThat(client.subjects()).containsExactly("a b/c+d-value", "chainplan.models-value");
        assertThat(client.latest("a b/c+d-value")).isPresent();
    }

    @Test
    void shouldSendBasicAuthAndFailWithoutIt() {
        EmbeddedSchemaRegistry s = server(Optional.of("alice:s3cret"));

        RestSchemaRegistryClient good = RestSchemaRegistryClient.builder(s.url()).basicAuth("alice:s3cret").build();
        RestSchemaRegistryClient none = RestSchemaRegistryClient.create(s.url());
        RestSchemaRegistryClient wrong = RestSchemaRegistryClient.builder(s.url()).basicAuth("alice:guess").build();

        assertThat(good.register("m-value", V1)).isEqualTo(1);
        assertThatThrownBy(() -> none.schemaById(1)).isInstanceOfSatisfying(SchemaRegistryException.class,
                e -> assertThat(e.errorCode()).isEqualTo(401));
        assertThatThrownBy(() -> wrong.subjects()).isInstanceOfSatisfying(SchemaRegistryException.class,
                e -> assertThat(e.errorCode()).isEqualTo(401));
    }

    @Test
    void shouldCacheSchemasByIdSoAStoppedServerIsNotAskedAgain() {
        EmbeddedSchemaRegistry s = server(Optional.empty());
        RestSchemaRegistryClient client = RestSchemaRegistryClient.builder(s.url()).timeout(Duration.ofSeconds(2)).build();
        int id = client.register("m-value", V1);
        RestSchemaRegistryClient reader = RestSchemaRegistryClient.builder(s.url()).timeout(Duration.ofSeconds(2)).build();
        reader.schemaById(id);

        s.close();

        assertThat(reader.schemaById(id)).isEqualTo(V1);
        assertThat(client.register("m-value", V1)).isEqualTo(id);
        assertThatThrownBy(() -> reader.latest("m-value")).isInstanceOfSatisfying(SchemaRegistryException.class,
                e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.NO_RESPONSE));
    }

    @Test
    void shouldRejectANonHttpUrl() {
        assertThatThrownBy(() -> RestSchemaRegistryClient.create("ftp://x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ftp://x");
    }
}
