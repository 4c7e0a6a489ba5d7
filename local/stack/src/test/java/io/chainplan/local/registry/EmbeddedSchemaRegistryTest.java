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
    /** V1 plus optional fields with defaults: BACKWARD and FULL compatible with V1. */
    private static final String V2 = io.chainplan.schemas.avro.ModelSpec.getClassSchema().toString();

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

        assertError(call("POST", "/subjects/m-value/versions", schemaBody(BREAKING)), 409, 40901);
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
    void shouldExplainAnIncompatibleSchemaWithConfluentsDetails() throws Exception {
        call("POST", "/subjects/m-value/versions", schemaBody(V1));

        Answer refused = call("POST", "/subjects/m-value/versions", schemaBody(BREAKING));

        assertError(refused, 409, 40901);
        assertThat(refused.body().get("message").asText())
                .startsWith("Schema being registered is incompatible with an earlier schema for subject \"m-value\", details: [")
                .contains("errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'", "{oldSchemaVersion: 1}",
                        "{validateFields: 'false', compatibility: 'BACKWARD'}");
    }

    @Test
    void shouldAnswerSubjectLevelConfigNotFoundUnlessDefaultToGlobal() throws Exception {
        assertError(call("GET", "/config/m-value", null), 404, 40408);
        assertThat(call("GET", "/config/m-value?defaultToGlobal=true", null).body().get("compatibilityLevel").asText())
                .isEqualTo("BACKWARD");

        assertThat(call("PUT", "/config/m-value", "{\"compatibility\": \"FULL\"}").body().toString())
                .isEqualTo("{\"compatibility\":\"FULL\"}");
        assertThat(call("GET", "/config/m-value", null).body().toString()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
        assertThat(call("DELETE", "/config/m-value", null).body().get("compatibilityLevel").asText()).isEqualTo("FULL");
        assertError(call("GET", "/config/m-value", null), 404, 40408);
        assertError(call("DELETE", "/config/m-value", null), 404, 40401);

        call("PUT", "/config", "{\"compatibility\": \"NONE\"}");
        assertThat(call("DELETE", "/config", null).body().get("compatibilityLevel").asText()).isEqualTo("NONE");
        assertThat(call("GET", "/config", null).body().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
    }

    @Test
    void shouldSoftDeleteASubjectThenDeleteItPermanently() throws Exception {
        int id = call("POST", "/subjects/m-value/versions", schemaBody(V1)).body().get("id").asInt();
        call("POST", "/subjects/m-value/versions", schemaBody(V2));
        call("PUT", "/config/m-value", "{\"compatibility\": \"FULL\"}");

        assertError(call("DELETE", "/subjects/m-value?permanent=true", null), 404, 40405);
        assertThat(call("DELETE", "/subjects/m-value", null).body().toString()).isEqualTo("[1,2]");

        assertThat(call("GET", "/subjects", null).body().toString()).isEqualTo("[]");
        assertThat(call("GET", "/subjects?deleted=true", null).body().toString()).isEqualTo("[\"m-value\"]");
        assertError(call("GET", "/subjects/m-value/versions", null), 404, 40401);
        assertThat(call("GET", "/subjects/m-value/versions?deleted=true", null).body().toString()).isEqualTo("[1,2]");
        assertError(call("GET", "/subjects/m-value/versions/latest", null), 404, 40401);
        assertThat(call("GET", "/subjects/m-value/versions/1?deleted=true", null).body().get("id").asInt()).isEqualTo(id);
        assertThat(call("GET", "/schemas/ids/" + id, null).status()).as("old records stay readable").isEqualTo(200);
        assertError(call("DELETE", "/subjects/m-value", null), 404, 40404);

        assertThat(call("DELETE", "/subjects/m-value?permanent=true", null).body().toString()).isEqualTo("[1,2]");
        assertError(call("GET", "/schemas/ids/" + id, null), 404, 40403);
        assertError(call("GET", "/subjects/m-value/versions?deleted=true", null), 404, 40401);
        assertError(call("GET", "/config/m-value", null), 404, 40408);
        assertError(call("DELETE", "/subjects/m-value?permanent=true", null), 404, 40401);
        assertThat(call("GET", "/subjects?deleted=true", null).body().toString()).isEqualTo("[]");
    }

    @Test
    void shouldSoftDeleteOneVersionThenDeleteItPermanently() throws Exception {
        call("POST", "/subjects/m-value/versions", schemaBody(V1));
        int id2 = call("POST", "/subjects/m-value/versions", schemaBody(V2)).body().get("id").asInt();

        assertError(call("DELETE", "/subjects/m-value/versions/2?permanent=true", null), 404, 40407);
        assertThat(call("DELETE", "/subjects/m-value/versions/latest", null).body().asInt()).isEqualTo(2);

        assertThat(call("GET", "/subjects/m-value/versions", null).body().toString()).isEqualTo("[1]");
        assertThat(call("GET", "/subjects/m-value/versions?deletedOnly=true", null).body().toString()).isEqualTo("[2]");
        assertThat(call("GET", "/subjects/m-value/versions/latest", null).body().get("version").asInt()).isEqualTo(1);
        assertError(call("GET", "/subjects/m-value/versions/2", null), 404, 40402);
        assertThat(call("GET", "/subjects/m-value/versions/2?deleted=true", null).body().get("id").asInt()).isEqualTo(id2);
        assertError(call("DELETE", "/subjects/m-value/versions/2", null), 404, 40406);
        assertError(call("DELETE", "/subjects/m-value/versions/3", null), 404, 40402);
        assertError(call("DELETE", "/subjects/nope/versions/1", null), 404, 40401);
        assertError(call("DELETE", "/subjects/m-value/versions/zero", null), 422, 42202);

        assertThat(call("DELETE", "/subjects/m-value/versions/2?permanent=true", null).body().asInt()).isEqualTo(2);
        assertThat(call("GET", "/subjects/m-value/versions?deleted=true", null).body().toString()).isEqualTo("[1]");
        assertError(call("GET", "/schemas/ids/" + id2, null), 404, 40403);
    }

    @Test
    void shouldReRegisterADeletedSchemaAsANewVersionWithItsId() throws Exception {
        int id = call("POST", "/subjects/m-value/versions", schemaBody(V1)).body().get("id").asInt();
        call("DELETE", "/subjects/m-value", null);

        assertThat(call("POST", "/subjects/m-value/versions", schemaBody(V1)).body().get("id").asInt()).isEqualTo(id);

        JsonNode latest = call("GET", "/subjects/m-value/versions/latest", null).body();
        assertThat(latest.get("version").asInt()).isEqualTo(2);
        assertThat(call("GET", "/subjects/m-value/versions?deleted=true", null).body().toString())
                .as("the deleted version with the same id is gone, as in Confluent's server").isEqualTo("[2]");
        assertThat(call("POST", "/subjects/m-value?deleted=true", schemaBody(V1)).body().get("version").asInt()).isEqualTo(2);
    }

    @Test
    void shouldCheckCompatibilityAgainstTheSubjectAndExplainWhenVerbose() throws Exception {
        call("POST", "/subjects/m-value/versions", schemaBody(V1));
        call("POST", "/subjects/m-value/versions", schemaBody(V2));

        assertThat(call("POST", "/compatibility/subjects/m-value/versions", schemaBody(V2)).body().toString())
                .isEqualTo("{\"is_compatible\":true}");
        JsonNode verbose = call("POST", "/compatibility/subjects/m-value/versions?verbose=true", schemaBody(BREAKING)).body();
        assertThat(verbose.get("is_compatible").asBoolean()).isFalse();
        assertThat(verbose.get("messages").toString()).contains("READER_FIELD_MISSING_DEFAULT_VALUE", "{oldSchemaVersion: 2}",
                "compatibility: 'BACKWARD'");
        JsonNode quiet = call("POST", "/compatibility/subjects/m-value/versions/1", schemaBody(BREAKING)).body();
        assertThat(quiet.has("messages")).isFalse();
        assertThat(call("POST", "/compatibility/subjects/m-value/versions/1?verbose=true", schemaBody(V1)).body()
                .get("messages").size()).isZero();

        assertThat(call("POST", "/compatibility/subjects/new-value/versions/latest", schemaBody(BREAKING)).body()
                .get("is_compatible").asBoolean()).isTrue();
        assertThat(call("POST", "/compatibility/subjects/new-value/versions", schemaBody(BREAKING)).body()
                .get("is_compatible").asBoolean()).isTrue();
        assertError(call("POST", "/compatibility/subjects/m-value/versions/7", schemaBody(V1)), 404, 40402);
        assertError(call("POST", "/compatibility/subjects/m-value/versions", schemaBody("{\"type\": \"recrod\"}")), 422, 42201);
        JsonNode invalid = call("POST", "/compatibility/subjects/m-value/versions?verbose=true",
                schemaBody("{\"type\": \"recrod\"}")).body();
        assertThat(invalid.get("is_compatible").asBoolean()).isFalse();
        assertThat(invalid.get("messages").get(0).asText()).startsWith("Invalid schema");
    }

    @Test
    void shouldListTheSubjectsAndVersionsOfASchemaId() throws Exception {
        int id = call("POST", "/subjects/b-value/versions", schemaBody(V1)).body().get("id").asInt();
        call("POST", "/subjects/a-value/versions", schemaBody(V2));
        call("POST", "/subjects/a-value/versions", schemaBody(V1));

        assertThat(call("GET", "/schemas/ids/" + id + "/versions", null).body().toString())
                .isEqualTo("[{\"subject\":\"a-value\",\"version\":2},{\"subject\":\"b-value\",\"version\":1}]");
        assertThat(call("GET", "/schemas/ids/" + id + "/subjects", null).body().toString()).isEqualTo("[\"a-value\",\"b-value\"]");
        call("DELETE", "/subjects/b-value", null);
        assertThat(call("GET", "/schemas/ids/" + id + "/versions", null).body().size()).isEqualTo(1);
        assertThat(call("GET", "/schemas/ids/" + id + "/versions?deleted=true", null).body().size()).isEqualTo(2);
        assertError(call("GET", "/schemas/ids/99/versions", null), 404, 40403);
        assertThat(call("GET", "/subjects/a-value/versions/1/referencedby", null).body().toString()).isEqualTo("[]");
    }

    @Test
    void shouldServeReadWriteModeOnlyAndRefuseTheOthersWithConfluentsCodes() throws Exception {
        assertThat(call("GET", "/mode", null).body().toString()).isEqualTo("{\"mode\":\"READWRITE\"}");
        assertError(call("GET", "/mode/m-value", null), 404, 40409);
        assertThat(call("GET", "/mode/m-value?defaultToGlobal=true", null).body().get("mode").asText()).isEqualTo("READWRITE");

        assertThat(call("PUT", "/mode/m-value", "{\"mode\": \"READWRITE\"}").body().get("mode").asText()).isEqualTo("READWRITE");
        assertThat(call("GET", "/mode/m-value", null).body().get("mode").asText()).isEqualTo("READWRITE");
        assertError(call("PUT", "/mode/m-value", "{\"mode\": \"READONLY\"}"), 422, 42205);
        assertError(call("PUT", "/mode", "{\"mode\": \"IMPORT\"}"), 422, 42205);
        assertError(call("PUT", "/mode/m-value", "{\"mode\": \"FORWARD\"}"), 422, 42204);
        assertError(call("PUT", "/mode", "{\"mode\": \"SIDEWAYS\"}"), 422, 42204);
        assertThat(call("DELETE", "/mode/m-value", null).body().get("mode").asText()).isEqualTo("READWRITE");
        assertError(call("DELETE", "/mode/m-value", null), 404, 40401);
    }

    @Test
    void shouldRefuseSchemaReferences() throws Exception {
        String body = JSON.createObjectNode().put("schema", V1).set("references", JSON.readTree(
                "[{\"name\": \"x\", \"subject\": \"x-value\", \"version\": 1}]")).toString();

        assertError(call("POST", "/subjects/m-value/versions", body), 422, 42201);
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
