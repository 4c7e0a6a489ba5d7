package io.chainplan.local.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chainplan.local.EmbeddedKafkaBroker;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.registry.SchemaRegistryContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded registry on a real broker: what it answers survives a restart on the same
 * {@code _schemas} topic, deletions (soft and permanent), levels and modes included.
 */
class EmbeddedSchemaRegistryIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofMinutes(1);
    private final HttpClient http = HttpClient.newHttpClient();
    @TempDir
    Path dir;

    private JsonNode call(EmbeddedSchemaRegistry r, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(r.url() + path)).timeout(WAIT)
                .header("Content-Type", EmbeddedSchemaRegistry.CONTENT_TYPE)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return JSON.readTree(http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private static String schema(org.apache.avro.Schema s) {
        return JSON.createObjectNode().put("schema", s.toString()).toString();
    }

    @Test
    void shouldKeepIdsDeletionsLevelsAndModesAcrossARestart() throws Exception {
        String v1 = schema(SchemaRegistryContract.V1);
        String v2 = schema(ModelSpec.getClassSchema());
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0)) {
            int port;
            try (EmbeddedSchemaRegistry r = EmbeddedSchemaRegistry.start(broker.bootstrapServers(), 0)) {
                port = r.port();
                call(r, "POST", "/subjects/kept-value/versions", v1);
                call(r, "POST", "/subjects/kept-value/versions", v2);
                call(r, "DELETE", "/subjects/kept-value/versions/1", null);
                call(r, "POST", "/subjects/soft-value/versions", v1);
                call(r, "DELETE", "/subjects/soft-value", null);
                call(r, "POST", "/subjects/gone-value/versions", v2);
                call(r, "PUT", "/config/gone-value", "{\"compatibility\": \"NONE\"}");
                call(r, "DELETE", "/subjects/gone-value", null);
                call(r, "DELETE", "/subjects/gone-value?permanent=true", null);
                call(r, "PUT", "/config/kept-value", "{\"compatibility\": \"FULL\"}");
                call(r, "PUT", "/config", "{\"compatibility\": \"FORWARD\"}");
                call(r, "PUT", "/mode/kept-value", "{\"mode\": \"READWRITE\"}");
            }

            try (EmbeddedSchemaRegistry again = EmbeddedSchemaRegistry.start(broker.bootstrapServers(), port)) {
                assertThat(call(again, "GET", "/subjects", null).toString()).isEqualTo("[\"kept-value\"]");
                assertThat(call(again, "GET", "/subjects?deleted=true", null).toString())
                        .isEqualTo("[\"kept-value\",\"soft-value\"]");
                assertThat(call(again, "GET", "/subjects/kept-value/versions", null).toString()).isEqualTo("[2]");
                assertThat(call(again, "GET", "/subjects/kept-value/versions?deleted=true", null).toString()).isEqualTo("[1,2]");
                assertThat(call(again, "GET", "/schemas/ids/1", null).get("schema").asText())
                        .isEqualTo(SchemaRegistryContract.V1.toString());
                assertThat(call(again, "GET", "/schemas/ids/2", null).get("schema").asText())
                        .as("id 2 is still used by kept-value").isEqualTo(ModelSpec.getClassSchema().toString());
                assertThat(call(again, "GET", "/subjects/gone-value/versions?deleted=true", null).get("error_code").asInt())
                        .isEqualTo(40401);
                assertThat(call(again, "GET", "/config/gone-value", null).get("error_code").asInt()).isEqualTo(40408);
                assertThat(call(again, "GET", "/config/kept-value", null).get("compatibilityLevel").asText()).isEqualTo("FULL");
                assertThat(call(again, "GET", "/config", null).get("compatibilityLevel").asText()).isEqualTo("FORWARD");
                assertThat(call(again, "GET", "/mode/kept-value", null).get("mode").asText()).isEqualTo("READWRITE");
                assertThat(call(again, "POST", "/subjects/new-value/versions", schema(SchemaRegistryContract.V2_BREAKING))
                        .get("id").asInt()).as("ids continue after the highest kept").isEqualTo(3);
            }
        }
    }
}
