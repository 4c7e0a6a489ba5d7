package io.chainplan.local.registry;

import io.chainplan.schemas.registry.CompatibilityLevel;
import io.chainplan.schemas.registry.RegisteredSchema;
import io.chainplan.schemas.registry.RegistryState;
import io.chainplan.schemas.registry.SchemaRegistryException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.kafka.clients.CommonClientConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small schema-registry server speaking the Confluent Schema Registry REST API subset chainplan
 * and ordinary Confluent clients use, so that clients in any language can work against
 * {@code chainplan local}. Schemas are kept in a compacted Kafka topic ({@code _schemas}, the
 * Confluent record layout) and replayed at start, so ids survive restarts.
 * <p>Endpoints: {@code GET /subjects}; {@code GET /subjects/{s}/versions};
 * {@code GET /subjects/{s}/versions/{v|latest}} (and {@code .../schema});
 * {@code POST /subjects/{s}/versions}; {@code POST /subjects/{s}} (look up);
 * {@code GET /schemas/ids/{id}} (and {@code .../schema}); {@code GET /schemas/types};
 * {@code POST /compatibility/subjects/{s}/versions/{v|latest}}; {@code GET|PUT /config} and
 * {@code GET|PUT /config/{s}}. Errors use the registry's JSON body
 * {@code {"error_code":40401,"message":"..."}}: 40401 subject not found, 40402 version not found,
 * 40403 schema not found, 42201 invalid schema, 42202 invalid version, 42203 invalid compatibility
 * level, 409 incompatible, 50001 store error. Only Avro schemas are accepted.
 * <p>Compatibility is BACKWARD by default (Avro's {@code SchemaCompatibility}). Ids are global and
 * the same schema text gets the same id. Single writer: run one instance per {@code _schemas} topic.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
    /** The registry's media type. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    /** Default store topic. */
    public static final String DEFAULT_TOPIC = "_schemas";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryState state = new RegistryState();
    private final SchemaStore store;
    private final HttpServer http;
    private final ExecutorService executor;
    private final Optional<String> requiredAuthorization;
    private boolean closed;

    private EmbeddedSchemaRegistry(SchemaStore store, InetSocketAddress address, Optional<String> basicAuthUserInfo) {
        this.store = store;
        this.requiredAuthorization = basicAuthUserInfo.map(u -> "Basic "
                + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)));
        store.replay(state);
        try {
            this.http = HttpServer.create(address, 32);
        } catch (BindException e) {
            store.close();
            throw new IllegalStateException("schema registry port " + address.getPort() + " is already in use", e);
        } catch (IOException e) {
            store.close();
            throw new IllegalStateException("schema registry cannot listen on " + address + ": " + e.getMessage(), e);
        }
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "schema-registry-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        http.createContext("/", this::handle);
        http.start();
        LOG.info("schema registry listening on {}", url());
    }

    /**
     * Starts a registry backed by the {@code _schemas} topic of a Kafka cluster.
     *
     * @param bootstrapServers Kafka bootstrap servers
     * @param port             HTTP port on the loopback address, 0 for any free port
     * @return the running registry, with its state restored from the topic
     * @throws IllegalStateException  if the port is in use
     * @throws SchemaRegistryException 50001 if the topic cannot be read or created
     */
    public static EmbeddedSchemaRegistry start(String bootstrapServers, int port) {
        return start(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), DEFAULT_TOPIC, port, Optional.empty());
    }

    /**
     * Starts a registry backed by a Kafka topic, with client settings and optional basic auth.
     *
     * @param kafkaClientProps  Kafka client properties (at least {@code bootstrap.servers}; security settings pass through)
     * @param topic             store topic, normally {@value #DEFAULT_TOPIC}
     * @param port              HTTP port, 0 for any
     * @param basicAuthUserInfo if present, {@code user:password} every request must present
     * @return the running registry
     */
    public static EmbeddedSchemaRegistry start(Map<String, Object> kafkaClientProps, String topic, int port,
                                               Optional<String> basicAuthUserInfo) {
        return start(kafkaClientProps, topic, loopback(port), basicAuthUserInfo);
    }

    /**
     * Starts a registry backed by a Kafka topic on any address, for example the wildcard address
     * inside a container ({@code chainplan schema-registry --bind 0.0.0.0}).
     *
     * @param kafkaClientProps  Kafka client properties (at least {@code bootstrap.servers}; security settings pass through)
     * @param topic             store topic, normally {@value #DEFAULT_TOPIC}
     * @param address           address and port to listen on (port 0 for any)
     * @param basicAuthUserInfo if present, {@code user:password} every request must present
     * @return the running registry
     */
    public static EmbeddedSchemaRegistry start(Map<String, Object> kafkaClientProps, String topic, InetSocketAddress address,
                                               Optional<String> basicAuthUserInfo) {
        Objects.requireNonNull(kafkaClientProps, "kafkaClientProps");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(address, "address");
        return new EmbeddedSchemaRegistry(new KafkaSchemaStore(kafkaClientProps, topic), address, basicAuthUserInfo);
    }

    /**
     * Starts a registry that keeps nothing across restarts: for tests of HTTP clients.
     *
     * @param port              HTTP port, 0 for any
     * @param basicAuthUserInfo if present, {@code user:password} every request must present
     * @return the running registry
     */
    public static EmbeddedSchemaRegistry startInMemory(int port, Optional<String> basicAuthUserInfo) {
        return startInMemory(loopback(port), basicAuthUserInfo);
    }

    /**
     * Starts a registry that keeps nothing across restarts, on any address: for tests of HTTP clients.
     *
     * @param address           address and port to listen on (port 0 for any)
     * @param basicAuthUserInfo if present, {@code user:password} every request must present
     * @return the running registry
     */
    public static EmbeddedSchemaRegistry startInMemory(InetSocketAddress address, Optional<String> basicAuthUserInfo) {
        return new EmbeddedSchemaRegistry(SchemaStore.inMemory(), Objects.requireNonNull(address, "address"), basicAuthUserInfo);
    }

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /**
     * @return the base URL, e.g. {@code http://localhost:8081}
     */
    public String url() {
        return "http://localhost:" + port();
    }

    /**
     * @return the address the server listens on (the loopback address unless another was given)
     */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    /**
     * @return the HTTP port
     */
    public int port() {
        return http.getAddress().getPort();
    }

    /** Stops the HTTP server and the store; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        http.stop(0);
        executor.shutdownNow();
        store.close();
        LOG.info("schema registry on port {} stopped", port());
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Response r;
            try {
                r = authorized(ex) ? route(ex.getRequestMethod(), segments(ex), ex) : Response.error(401, 401, "Unauthorized");
            } catch (SchemaRegistryException e) {
                r = Response.error(SchemaRegistryException.httpStatusOf(e.errorCode()), e.errorCode(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("schema registry request {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
                r = Response.error(500, 50001, "Error in the backend data store: " + e.getMessage());
            }
            byte[] body = r.body().toString().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            if (r.status() == 401) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"chainplan\"");
            }
            ex.sendResponseHeaders(r.status(), body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private boolean authorized(HttpExchange ex) {
        return requiredAuthorization.isEmpty()
                || requiredAuthorization.get().equals(ex.getRequestHeaders().getFirst("Authorization"));
    }

    private static List<String> segments(HttpExchange ex) {
        List<String> out = new ArrayList<>();
        for (String s : ex.getRequestURI().getRawPath().split("/")) {
            if (!s.isEmpty()) {
                out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** One HTTP answer. */
    private record Response(int status, JsonNode body) {
        static Response ok(JsonNode body) {
            return new Response(200, body);
        }

        static Response error(int status, int code, String message) {
            return new Response(status, JSON.createObjectNode().put("error_code", code).put("message", message));
        }
    }

    private Response route(String method, List<String> p, HttpExchange ex) throws IOException {
        String first = p.isEmpty() ? "" : p.get(0);
        return switch (first) {
            case "" -> Response.ok(JSON.createObjectNode());
            case "subjects" -> subjects(method, p, ex);
            case "schemas" -> schemas(method, p);
            case "compatibility" -> compatibility(method, p, ex);
            case "config" -> config(method, p, ex);
            default -> notFound();
        };
    }

    private static Response notFound() {
        return Response.error(404, 404, "HTTP 404 Not Found");
    }

    private static Response methodNotAllowed() {
        return Response.error(405, 405, "HTTP 405 Method Not Allowed");
    }

    private Response subjects(String method, List<String> p, HttpExchange ex) throws IOException {
        if (p.size() == 1) {
            return method.equals("GET") ? Response.ok(stringArray(syncSubjects())) : methodNotAllowed();
        }
        String subject = p.get(1);
        if (p.size() == 2) {
            return method.equals("POST") ? lookup(subject, parseSchema(readBody(ex))) : methodNotAllowed();
        }
        if (!p.get(2).equals("versions") || p.size() > 5) {
            return notFound();
        }
        if (p.size() == 3) {
            if (method.equals("POST")) {
                return register(subject, parseSchema(readBody(ex)));
            }
            return method.equals("GET") ? Response.ok(versionNumbers(subject)) : methodNotAllowed();
        }
        if (!method.equals("GET")) {
            return methodNotAllowed();
        }
        RegisteredSchema v = version(subject, p.get(3));
        if (p.size() == 5) {
            return p.get(4).equals("schema") ? Response.ok(rawSchema(v.schema())) : notFound();
        }
        return Response.ok(describe(v));
    }

    private Response schemas(String method, List<String> p) throws IOException {
        if (!method.equals("GET")) {
            return methodNotAllowed();
        }
        if (p.size() == 2 && p.get(1).equals("types")) {
            return Response.ok(stringArray(List.of("AVRO")));
        }
        if (p.size() < 3 || p.size() > 4 || !p.get(1).equals("ids")) {
            return notFound();
        }
        int id = parseInt(p.get(2), SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + p.get(2) + " not found");
        Schema schema;
        synchronized (state) {
            schema = state.schemaById(id);
        }
        if (p.size() == 4) {
            return p.get(3).equals("schema") ? Response.ok(rawSchema(schema)) : notFound();
        }
        return Response.ok(JSON.createObjectNode().put("schema", schema.toString()));
    }

    private Response compatibility(String method, List<String> p, HttpExchange ex) throws IOException {
        if (p.size() != 5 || !p.get(1).equals("subjects") || !p.get(3).equals("versions")) {
            return notFound();
        }
        if (!method.equals("POST")) {
            return methodNotAllowed();
        }
        String subject = p.get(2);
        Schema candidate = parseSchema(readBody(ex));
        boolean compatible;
        synchronized (state) {
            if (p.get(4).equals("latest")) {
                compatible = state.isCompatible(subject, candidate);
            } else {
                RegisteredSchema v = version(subject, p.get(4));
                compatible = state.level(subject).isCompatible(candidate, List.of(v.schema()));
            }
        }
        return Response.ok(JSON.createObjectNode().put("is_compatible", compatible));
    }

    private Response config(String method, List<String> p, HttpExchange ex) throws IOException {
        if (p.size() > 2) {
            return notFound();
        }
        String subject = p.size() == 2 ? p.get(1) : null;
        if (method.equals("GET")) {
            synchronized (state) {
                return Response.ok(JSON.createObjectNode().put("compatibilityLevel", state.level(subject).name()));
            }
        }
        if (!method.equals("PUT")) {
            return methodNotAllowed();
        }
        JsonNode body = readBody(ex);
        CompatibilityLevel level = CompatibilityLevel.parse(body.path("compatibility").asText(null));
        synchronized (state) {
            store.appendConfig(subject, level);
            state.setLevel(subject, level);
        }
        return Response.ok(JSON.createObjectNode().put("compatibility", level.name()));
    }

    private Response register(String subject, Schema schema) {
        RegisteredSchema r;
        synchronized (state) {
            RegistryState.Outcome o = state.plan(subject, schema);
            if (o.isNew()) {
                store.appendSchema(o.registered());
                state.apply(o.registered());
                LOG.info("registered subject {} version {} id {}", subject, o.registered().version(), o.registered().id());
            }
            r = o.registered();
        }
        return Response.ok(JSON.createObjectNode().put("id", r.id()));
    }

    private Response lookup(String subject, Schema schema) {
        String text = schema.toString();
        synchronized (state) {
            for (RegisteredSchema v : state.versions(subject)) {
                if (v.schema().toString().equals(text)) {
                    return Response.ok(describe(v));
                }
            }
        }
        throw new SchemaRegistryException(SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema not found");
    }

    private List<String> syncSubjects() {
        synchronized (state) {
            return state.subjects();
        }
    }

    private JsonNode versionNumbers(String subject) {
        ArrayNode a = JSON.createArrayNode();
        synchronized (state) {
            state.versions(subject).forEach(v -> a.add(v.version()));
        }
        return a;
    }

    private RegisteredSchema version(String subject, String version) {
        synchronized (state) {
            if (version.equals("latest") || version.equals("-1")) {
                return state.versions(subject).get(state.versions(subject).size() - 1);
            }
            int v = parseInt(version, SchemaRegistryException.INVALID_VERSION,
                    "The specified version '" + version + "' is not a valid version id. "
                            + "Allowed values are between [1, 2^31-1] and the string \"latest\"");
            if (v < 1) {
                throw new SchemaRegistryException(SchemaRegistryException.INVALID_VERSION,
                        "The specified version '" + version + "' is not a valid version id.");
            }
            return state.version(subject, v);
        }
    }

    private static int parseInt(String s, int errorCode, String message) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new SchemaRegistryException(errorCode, message);
        }
    }

    private static ObjectNode describe(RegisteredSchema v) {
        return JSON.createObjectNode().put("subject", v.subject()).put("version", v.version()).put("id", v.id())
                .put("schema", v.schema().toString());
    }

    private static JsonNode rawSchema(Schema s) throws IOException {
        return JSON.readTree(s.toString());
    }

    private static ArrayNode stringArray(List<String> values) {
        ArrayNode a = JSON.createArrayNode();
        values.forEach(a::add);
        return a;
    }

    private static JsonNode readBody(HttpExchange ex) {
        try (InputStream in = ex.getRequestBody()) {
            byte[] bytes = in.readAllBytes();
            return bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
        } catch (IOException e) {
            throw new SchemaRegistryException(400, "Unrecognized request body: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static Schema parseSchema(JsonNode body) {
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new SchemaRegistryException(SchemaRegistryException.INVALID_SCHEMA,
                    "Invalid schema: schemaType " + type + " is not supported, only AVRO");
        }
        JsonNode text = body.get("schema");
        if (text == null || !text.isTextual()) {
            throw new SchemaRegistryException(SchemaRegistryException.INVALID_SCHEMA,
                    "Invalid schema: the request body has no \"schema\" string");
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (RuntimeException e) {
            throw new SchemaRegistryException(SchemaRegistryException.INVALID_SCHEMA, "Invalid schema: " + e.getMessage());
        }
    }
}
