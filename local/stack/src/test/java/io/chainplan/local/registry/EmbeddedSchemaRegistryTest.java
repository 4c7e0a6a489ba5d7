package io.chainplan.local.registry;

import io.chainplan.schemas.registry.SchemaRegistryContract;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The registry's REST protocol as a non-Java client sees it: raw HTTP requests, JSON bodies,
 * status codes, error codes and the registry content type (in-memory store, no broker).
 */
class EmbeddedSchemaRegistryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String V1 = SchemaRegistryContract.V1.toString();
    private static final String BREAKING = SchemaRegistryContract.V2_BREAKING.toString();

    private EmbeddedSchemaRegistry server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        server = EmbeddedSchemaRegistry.startInMemory(0, Optional.empty());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private record Answer(int status, JsonNode body, String contentType) {
    }

    private Answer call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Content-Type", EmbeddedSchemaRegistry.CONTENT_TYPE);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), JSON.readTree(r.body()), r.headers().firstValue("Content-Type").orElse(""));
    }

    private static String schemaBody(String schema) {
        return JSON.createObjectNode().put("schema", schema).toString();
    }

    @Test
    void shouldRegisterAndFetchByIdWithTheRegistryContentType() throws Exception {
        Answer reg = call("POST", "/subjects/m-value/versions", schemaBody(V1));
        Answer again = call("POST", "/subjects/m-value/versions", schemaBody(V1));
        Answer byId = call("GET", "/schemas/ids/" + reg.body().get("id").asInt(), null);

        assertThat(reg.status()).isEqualTo(200);
        assertThat(reg.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(again.body().get("id").asInt()).isEqualTo(reg.body().get("id").asInt());
        assertThat(byId.body().get("schema").asText()).isEqualTo(V1);
    }

    @Test
    void shouldDescribeVersionsAndSubjects() throws Exception {
        call("POST", "/subjects/m-value/versions", schemaBody(V1));

        assertThat(call("GET", "/subjects", null).body().toString()).isEqualTo("[\"m-value\"]");
        assertThat(call("GET", "/subjects/m-value/versions", null).body().toString()).isEqualTo("[1]");
        JsonNode latest = call("GET", "/subjects/m-value/versions/latest", null).body();
        assertThat(latest.get("subject").asText()).isEqualTo("m-value");
        assertThat(latest.get("version").asInt()).isEqualTo(1);
        assertThat(latest.get("id").asInt()).isEqualTo(1);
        assertThat(call("GET", "/subjects/m-value/versions/1/schema", null).body().get("name").asText()).isEqualTo("ModelSpec");
        assertThat(call("POST", "/subjects/m-value", schemaBody(V1)).body().get("version").asInt()).isEqualTo(1);
        assertThat(call("GET", "/schemas/types", null).body().toString()).isEqualTo("[\"AVRO\"]");
    }

    @Test
    void shouldAnswerSubjectNotFound() throws Exception {
        assertError(call("GET", "/subjects/nope/versions", null), 404, 40401);
        assertError(call("GET", "/subjects/nope/versions/latest", null), 404, 40401);
        assertError(call("POST", "/subjects/nope", schemaBody(V1)), 404, 40401);
    }

    @Test
    void shouldAnswerVersionNotFoundAndInvalidVersion() throws Exception {
        call("POST", "/subjects/m-value/versions", schemaBody(V1));

        assertError(call("GET", "/subjects/m-value/versions/2", null), 404, 40402);
        assertError(call("GET", "/subjects/m-value/versions/two", null), 422, 42202);
    }

    @Test
    void shouldAnswerSchemaNotFound() throws Exception {
        call("POST", "/subjects/m-value/versions", schemaBody(V1));

        assertError(call("GET", "/schemas/ids/99", null), 404, 40403);
        assertError(call("POST", "/subjects/m-value", schemaBody(BREAKING)), 404, 40403);
    }

    @Test
    void shouldAnswerInvalidSchema() throws Exception {
        assertError(call("POST", "/subjects/m-value/versions", schemaBody("{\"type\": \"recrod\"}")), 422, 42201);
        assertError(call("POST", "/subjects/m-value/versions", "{\"schema\": 42}"), 422, 42201);
        assertError(call("POST", "/subjects/m-value/versions",
                "{\"schemaType\": \"PROTOBUF\", \"schema\": \"syntax = \\\"proto3\\\";\"}"), 422, 42201);
        assertError(call("POST", "/subjects/m-value/versions", "not json"), 400, 400);
    }

    @Test
    void shouldAnswerIncompatibleAndReportCompatibility() throws Exception {
        call("POST", "/subjects/m-value/versions", schemaBody(V1));

        assertError(call("POST", "/subjects/m-value/versions", schemaBody(BREAKING)), 409, 409);
        assertThat(call("POST", "/compatibility/subjects/m-value/versions/latest", schemaBody(BREAKING))
                .body().get("is_compatible").asBoolean()).isFalse();
        assertThat(call("POST", "/compatibility/subjects/m-value/versions/1", schemaBody(V1))
                .body().get("is_compatible").asBoolean()).isTrue();
    }

    @Test
    void shouldChangeCompatibilityPerSubject() throws Exception {
        call("POST", "/subjects/m-value/versions", schemaBody(V1));

        assertThat(call("GET", "/config", null).body().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        assertThat(call("PUT", "/config/m-value", "{\"compatibility\": \"NONE\"}").body().get("compatibility").asText())
                .isEqualTo("NONE");
        assertThat(call("POST", "/subjects/m-value/versions", schemaBody(BREAKING)).body().get("id").asInt()).isEqualTo(2);
        assertError(call("PUT", "/config", "{\"compatibility\": \"SIDEWAYS\"}"), 422, 42203);
        assertThat(call("GET", "/config", null).body().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
    }

    @Test
    void shouldAnswerUnknownPathsAndMethods() throws Exception {
        assertError(call("GET", "/nothing", null), 404, 404);
        assertError(call("DELETE", "/subjects", null), 405, 405);
    }

    @Test
    void shouldListenOnTheLoopbackAddressByDefault() {
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void shouldListenOnTheWildcardAddressWhenAskedAsInAContainer() throws Exception {
        try (EmbeddedSchemaRegistry wildcard = EmbeddedSchemaRegistry.startInMemory(new InetSocketAddress("0.0.0.0", 0),
                Optional.empty())) {
            assertThat(wildcard.address().getAddress().isAnyLocalAddress()).isTrue();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(wildcard.url() + "/subjects")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("[]");
        }
    }

    private static void assertError(Answer a, int status, int code) {
        assertThat(a.status()).as("HTTP status of %s", a.body()).isEqualTo(status);
        assertThat(a.body().get("error_code").asInt()).isEqualTo(code);
        assertThat(a.body().get("message").asText()).isNotBlank();
        assertThat(a.contentType()).isEqualTo(EmbeddedSchemaRegistry.CONTENT_TYPE);
    }
}
