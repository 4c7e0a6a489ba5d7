package io.chainplan.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;

/**
 * A {@link SchemaRegistry} speaking the Confluent Schema Registry REST API over
 * {@link HttpClient}: {@code POST /subjects/{s}/versions}, {@code GET /schemas/ids/{id}},
 * {@code GET /subjects/{s}/versions/latest}, {@code POST /compatibility/subjects/{s}/versions/latest},
 * {@code GET /subjects}. Works against Confluent's server and the embedded registry server of the {@code local} module.
 * <p>Ids registered and schemas fetched by id are cached (both are immutable in the registry);
 * {@link #latest} and {@link #isCompatible} always ask the server. HTTP basic auth from
 * {@code user:password}; HTTPS through the JDK's default {@link SSLContext} or a given one.
 * Error bodies {@code {"error_code":..,"message":..}} become {@link SchemaRegistryException}s carrying
 * the code; a response without such a body carries the HTTP status; no response (connection
 * refused, the timeout passed) carries 0. {@link SchemaRegistryException#isTransient()} tells the
 * registry failing (0, 5xx, 500xx, 408, 429) from an answer about the request; the client itself does
 * not retry (the serdes do, {@code RegistryRetry}). Thread-safe.
 */
public final class RestSchemaRegistryClient implements SchemaRegistry {
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http;
    private final Optional<String> authorization;
    private final Duration timeout;
    private final Map<String, Map<String, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    private RestSchemaRegistryClient(Builder b) {
        String url = b.url.endsWith("/") ? b.url : b.url + "/";
        this.base = URI.create(url);
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
            throw new IllegalArgumentException("schema registry url must be http or https, was " + b.url);
        }
        this.timeout = b.timeout;
        this.authorization = b.userInfo.map(u -> "Basic " + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)));
        HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(b.timeout).followRedirects(HttpClient.Redirect.NORMAL);
        b.sslContext.ifPresent(hb::sslContext);
        this.http = hb.build();
    }

    /**
     * @param url base URL, e.g. {@code https://registry.example:8081}
     * @return a builder for a client of that registry
     */
    public static Builder builder(String url) {
        return new Builder(url);
    }

    /**
     * @param url base URL
     * @return a client without authentication, JDK default TLS, 30 s timeout
     */
    public static RestSchemaRegistryClient create(String url) {
        return builder(url).build();
    }

    /** Settings of a {@link RestSchemaRegistryClient}. */
    public static final class Builder {
        private final String url;
        private Optional<String> userInfo = Optional.empty();
        private Optional<SSLContext> sslContext = Optional.empty();
        private Duration timeout = Duration.ofSeconds(30);

        private Builder(String url) {
            this.url = Objects.requireNonNull(url, "url");
        }

        /**
         * @param userInfo {@code user:password} for HTTP basic auth
         * @return this
         */
        public Builder basicAuth(String userInfo) {
            Objects.requireNonNull(userInfo, "userInfo");
            if (!userInfo.contains(":")) {
                throw new IllegalArgumentException("basic auth user info must be user:password, was a value without ':'");
            }
            this.userInfo = Optional.of(userInfo);
            return this;
        }

        /**
         * @param context TLS context (trust store, client certificate) for https URLs
         * @return this
         */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Optional.of(Objects.requireNonNull(context, "context"));
            return this;
        }

        /**
         * @param timeout connect and request timeout
         * @return this
         */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * @return the client
         */
        public RestSchemaRegistryClient build() {
            return new RestSchemaRegistryClient(this);
        }
    }

    @Override
    public int register(String subject, Schema schema) {
        Objects.requireNonNull(schema, "schema");
        String text = schema.toString();
        Map<String, Integer> ids = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer cached = ids.get(text);
        if (cached != null) {
            return cached;
        }
        JsonNode body = JSON.createObjectNode().put("schema", text);
        int id = send("POST", "subjects/" + encode(subject) + "/versions", body).get("id").asInt();
        ids.put(text, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode body = send("GET", "schemas/ids/" + id, null);
        Schema schema = parse(body.path("schema").asText(null), "schema id " + id);
        schemasById.putIfAbsent(id, schema);
        return schema;
    }

    @Override
    public Optional<RegisteredSchema> latest(String subject) {
        try {
            JsonNode b = send("GET", "subjects/" + encode(subject) + "/versions/latest", null);
            Schema schema = parse(b.path("schema").asText(null), "subject " + subject);
            int id = b.get("id").asInt();
            schemasById.putIfAbsent(id, schema);
            return Optional.of(new RegisteredSchema(b.path("subject").asText(subject), b.get("version").asInt(), id, schema));
        } catch (SchemaRegistryException e) {
            if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
                    || e.errorCode() == SchemaRegistryException.VERSION_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        Objects.requireNonNull(schema, "schema");
        JsonNode body = JSON.createObjectNode().put("schema", schema.toString());
        try {
            return send("POST", "compatibility/subjects/" + encode(subject) + "/versions/latest", body)
                    .path("is_compatible").asBoolean(false);
        } catch (SchemaRegistryException e) {
            if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
                    || e.errorCode() == SchemaRegistryException.VERSION_NOT_FOUND) {
                return true;
            }
            throw e;
        }
    }

    /**
     * @return the registry's subjects ({@code GET /subjects})
     */
    public List<String> subjects() {
        List<String> out = new ArrayList<>();
        send("GET", "subjects", null).forEach(n -> out.add(n.asText()));
        return out;
    }

    /**
     * @param subject subject name
     * @return its version numbers ({@code GET /subjects/{s}/versions})
     * @throws SchemaRegistryException 40401 if the subject does not exist
     */
    public List<Integer> versions(String subject) {
        List<Integer> out = new ArrayList<>();
        send("GET", "subjects/" + encode(subject) + "/versions", null).forEach(n -> out.add(n.asInt()));
        return out;
    }

    /**
     * @param subject subject name
     * @param version version number
     * @return that version ({@code GET /subjects/{s}/versions/{v}})
     * @throws SchemaRegistryException 40401 / 40402 if the subject / version does not exist
     */
    public RegisteredSchema version(String subject, int version) {
        JsonNode b = send("GET", "subjects/" + encode(subject) + "/versions/" + version, null);
        return new RegisteredSchema(subject, b.get("version").asInt(), b.get("id").asInt(),
                parse(b.path("schema").asText(null), "subject " + subject));
    }

    /**
     * @return the base URL
     */
    public String url() {
        return base.toString();
    }

    private JsonNode send(String method, String path, JsonNode body) {
        URI uri = base.resolve(path);
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Accept", CONTENT_TYPE + ", application/json");
        authorization.ifPresent(a -> rb.header("Authorization", a));
        if (body == null) {
            rb.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            rb.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        HttpResponse<String> response;
        try {
            response = http.send(rb.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SchemaRegistryException(SchemaRegistryException.NO_RESPONSE,
                    "schema registry " + method + " " + uri + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(SchemaRegistryException.NO_RESPONSE, "interrupted: " + method + " " + uri, e);
        }
        return answer(method, uri, response);
    }

    private static JsonNode answer(String method, URI uri, HttpResponse<String> response) {
        JsonNode json = null;
        try {
            json = response.body() == null || response.body().isEmpty() ? null : JSON.readTree(response.body());
        } catch (IOException e) {
            json = null;
        }
        int status = response.statusCode();
        if (status / 100 == 2 && json != null) {
            return json;
        }
        int code = json != null && json.has("error_code") ? json.get("error_code").asInt(status) : status;
        String message = json != null && json.has("message") ? json.get("message").asText() : "HTTP " + status;
        throw new SchemaRegistryException(code, message + " (" + method + " " + uri + ", HTTP " + status + ")");
    }

    private static Schema parse(String text, String what) {
        if (text == null) {
            throw new SchemaRegistryException(SchemaRegistryException.INVALID_SCHEMA, "no schema in the answer for " + what);
        }
        try {
            return new Schema.Parser().parse(text);
        } catch (RuntimeException e) {
            throw new SchemaRegistryException(SchemaRegistryException.INVALID_SCHEMA,
                    "registry returned an unreadable schema for " + what + ": " + e.getMessage(), e);
        }
    }

    private static String encode(String subject) {
        Objects.requireNonNull(subject, "subject");
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
