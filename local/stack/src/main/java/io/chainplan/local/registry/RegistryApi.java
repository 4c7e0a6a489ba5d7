package io.chainplan.local.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chainplan.schemas.registry.CompatibilityLevel;
import io.chainplan.schemas.registry.RegisteredSchema;
import io.chainplan.schemas.registry.RegistryState;
import io.chainplan.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resources of Confluent's Schema Registry REST API that the embedded registry serves, with
 * Confluent's answers and error codes ({@code SubjectsResource}, {@code SubjectVersionsResource},
 * {@code SchemasResource}, {@code CompatibilityResource}, {@code ConfigResource},
 * {@code ModeResource}); the rules of the data are {@link RegistryState}'s. Independent of HTTP:
 * {@link EmbeddedSchemaRegistry} turns requests into {@link Call}s and {@link Reply}s into answers.
 * <ul>
 *   <li>{@code GET /subjects[?deleted=true][&deletedOnly=true]};
 *       {@code POST /subjects/{s}[?deleted=true]} (look a schema up);
 *       {@code DELETE /subjects/{s}[?permanent=true]} (the versions deleted);</li>
 *   <li>{@code GET /subjects/{s}/versions[?deleted=true][&deletedOnly=true]};
 *       {@code POST /subjects/{s}/versions} (register: {@code {"id": n}});
 *       {@code GET /subjects/{s}/versions/{v|latest}[?deleted=true]} and {@code .../schema};
 *       {@code GET .../versions/{v}/referencedby} (always {@code []}: references are not supported);
 *       {@code DELETE /subjects/{s}/versions/{v|latest}[?permanent=true]} (the version deleted);</li>
 *   <li>{@code GET /schemas/ids/{id}} ({@code {"schema": ...}}, soft-deleted ones included),
 *       {@code .../schema}, {@code .../subjects[?deleted=true]},
 *       {@code .../versions[?deleted=true]}; {@code GET /schemas/types};</li>
 *   <li>{@code POST /compatibility/subjects/{s}/versions[/{v|latest}][?verbose=true]}
 *       ({@code {"is_compatible": b}}, with {@code "messages"} when verbose): against one version, or
 *       against the live versions the subject's level covers;</li>
 *   <li>{@code GET|PUT|DELETE /config} and {@code /config/{s}} ({@code GET /config/{s}} answers
 *       40408 when the subject has no level of its own, unless {@code ?defaultToGlobal=true});</li>
 *   <li>{@code GET|PUT|DELETE /mode} and {@code /mode/{s}}: only {@code READWRITE} (42205 for
 *       Confluent's other modes, 42204 for a name that is no mode; {@code GET /mode/{s}} answers
 *       40409 when the subject has no mode of its own, unless {@code ?defaultToGlobal=true}).</li>
 * </ul>
 * Only Avro schemas without references are accepted (42201 otherwise). Every change is written to
 * the {@link SchemaStore} before it is applied and answered. Thread-safe: one request at a time
 * reads or changes the state.
 */
final class RegistryApi {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryState state;
    private final SchemaStore store;

    /**
     * One request.
     *
     * @param method HTTP method
     * @param path   decoded path segments
     * @param query  query parameters (first value of each)
     * @param body   the JSON body (an empty object if there was none)
     */
    record Call(String method, List<String> path, Map<String, String> query, JsonNode body) {
        /** Copies the collections. */
        Call {
            Objects.requireNonNull(method, "method");
            path = List.copyOf(path);
            query = Map.copyOf(query);
            Objects.requireNonNull(body, "body");
        }

        /** @return whether the boolean query parameter is {@code true} (any case) */
        boolean flag(String name) {
            return Boolean.parseBoolean(query.get(name));
        }

        String segment(int i) {
            return path.get(i);
        }

        int size() {
            return path.size();
        }
    }

    /**
     * One answer.
     *
     * @param status HTTP status
     * @param body   JSON body
     */
    record Reply(int status, JsonNode body) {
        static Reply ok(JsonNode body) {
            return new Reply(200, body);
        }

        static Reply error(int status, int code, String message) {
            return new Reply(status, JSON.createObjectNode().put("error_code", code).put("message", message));
        }

        static Reply of(SchemaRegistryException e) {
            return error(SchemaRegistryException.httpStatusOf(e.errorCode()), e.errorCode(), e.getMessage());
        }
    }

    /**
     * @param state the registry's data, restored from {@code store}
     * @param store where changes are written before they are applied
     */
    RegistryApi(RegistryState state, SchemaStore store) {
        this.state = Objects.requireNonNull(state, "state");
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * @param method an HTTP method
     * @return whether requests with it carry a JSON body to read
     */
    static boolean hasBody(String method) {
        return method.equals("POST") || method.equals("PUT");
    }

    /**
     * @param call a request
     * @return its answer; a refused request answers Confluent's error body
     */
    Reply handle(Call call) {
        try {
            synchronized (state) {
                return route(call);
            }
        } catch (SchemaRegistryException e) {
            return Reply.of(e);
        }
    }

    private Reply route(Call c) {
        String first = c.size() == 0 ? "" : c.segment(0);
        return switch (first) {
            case "" -> Reply.ok(JSON.createObjectNode());
            case "subjects" -> subjects(c);
            case "schemas" -> schemas(c);
            case "compatibility" -> compatibility(c);
            case "config" -> config(c);
            case "mode" -> mode(c);
            default -> notFound();
        };
    }

    static Reply notFound() {
        return Reply.error(404, 404, "HTTP 404 Not Found");
    }

    static Reply methodNotAllowed() {
        return Reply.error(405, 405, "HTTP 405 Method Not Allowed");
    }

    // ------------------------------------------------------------------ /subjects

    private Reply subjects(Call c) {
        if (c.size() == 1) {
            return c.method().equals("GET") ? Reply.ok(strings(state.subjects(c.flag("deleted"), c.flag("deletedOnly"))))
                    : methodNotAllowed();
        }
        String subject = c.segment(1);
        if (c.size() == 2) {
            return switch (c.method()) {
                case "POST" -> Reply.ok(describe(state.lookup(subject, schema(c.body()), c.flag("deleted"))));
                case "DELETE" -> Reply.ok(numbers(commit(state.planDeleteSubject(subject, c.flag("permanent")))));
                default -> methodNotAllowed();
            };
        }
        if (!c.segment(2).equals("versions") || c.size() > 5) {
            return notFound();
        }
        if (c.size() == 3) {
            return switch (c.method()) {
                case "GET" -> Reply.ok(numbers(versionNumbers(subject, c)));
                case "POST" -> register(subject, schema(c.body()));
                default -> methodNotAllowed();
            };
        }
        int version = versionId(c.segment(3));
        if (c.size() == 4) {
            return switch (c.method()) {
                case "GET" -> Reply.ok(describe(state.version(subject, version, c.flag("deleted"))));
                case "DELETE" -> Reply.ok(JSON.getNodeFactory().numberNode(
                        commit(state.planDeleteVersion(subject, version, c.flag("permanent")))));
                default -> methodNotAllowed();
            };
        }
        if (!c.method().equals("GET")) {
            return methodNotAllowed();
        }
        return switch (c.segment(4)) {
            case "schema" -> Reply.ok(raw(state.version(subject, version, c.flag("deleted")).schema()));
            case "referencedby" -> {
                state.version(subject, version, true);
                yield Reply.ok(JSON.createArrayNode());
            }
            default -> notFound();
        };
    }

    private List<Integer> versionNumbers(String subject, Call c) {
        if (c.flag("deletedOnly")) {
            List<Integer> deleted = state.deletedVersions(subject).stream().map(RegisteredSchema::version).toList();
            if (deleted.isEmpty()) {
                state.versions(subject, true);
            }
            return deleted;
        }
        return state.versions(subject, c.flag("deleted")).stream().map(RegisteredSchema::version).toList();
    }

    private Reply register(String subject, Schema schema) {
        RegistryState.Plan<RegisteredSchema> plan = state.planRegister(subject, schema);
        RegisteredSchema r = commit(plan);
        if (!plan.changes().isEmpty()) {
            LOG.info("registered subject {} version {} id {}", subject, r.version(), r.id());
        }
        return Reply.ok(JSON.createObjectNode().put("id", r.id()));
    }

    // ------------------------------------------------------------------ /schemas

    private Reply schemas(Call c) {
        if (!c.method().equals("GET")) {
            return methodNotAllowed();
        }
        if (c.size() == 2 && c.segment(1).equals("types")) {
            return Reply.ok(strings(List.of("AVRO")));
        }
        if (c.size() < 3 || c.size() > 4 || !c.segment(1).equals("ids")) {
            return notFound();
        }
        int id = schemaId(c.segment(2));
        Schema schema = state.schemaById(id);
        if (c.size() == 3) {
            return Reply.ok(JSON.createObjectNode().put("schema", schema.toString()));
        }
        List<RegisteredSchema> versions = state.versionsOfId(id, c.flag("deleted"));
        return switch (c.segment(3)) {
            case "schema" -> Reply.ok(raw(schema));
            case "subjects" -> Reply.ok(strings(List.copyOf(new TreeSet<>(versions.stream().map(RegisteredSchema::subject).toList()))));
            case "versions" -> {
                ArrayNode a = JSON.createArrayNode();
                versions.forEach(v -> a.addObject().put("subject", v.subject()).put("version", v.version()));
                yield Reply.ok(a);
            }
            default -> notFound();
        };
    }

    // ------------------------------------------------------------------ /compatibility

    private Reply compatibility(Call c) {
        if (c.size() < 4 || c.size() > 5 || !c.segment(1).equals("subjects") || !c.segment(3).equals("versions")) {
            return notFound();
        }
        if (!c.method().equals("POST")) {
            return methodNotAllowed();
        }
        String subject = c.segment(2);
        boolean verbose = c.flag("verbose");
        List<RegisteredSchema> against = c.size() == 4 ? live(subject) : against(subject, versionId(c.segment(4)));
        List<String> problems;
        try {
            problems = state.problems(subject, schema(c.body()), against);
        } catch (SchemaRegistryException e) {
            if (!verbose || e.errorCode() != SchemaRegistryException.INVALID_SCHEMA) {
                throw e;
            }
            problems = List.of(e.getMessage());
        }
        ObjectNode out = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
        if (verbose) {
            out.set("messages", strings(problems));
        }
        return Reply.ok(out);
    }

    /** The one live version a check is against: none for {@code latest} of a subject without one; 40402 otherwise. */
    private List<RegisteredSchema> against(String subject, int version) {
        List<RegisteredSchema> live = live(subject);
        if (version == RegistryState.LATEST) {
            return live.isEmpty() ? List.of() : List.of(live.get(live.size() - 1));
        }
        return List.of(live.stream().filter(v -> v.version() == version).findFirst().orElseThrow(() ->
                new SchemaRegistryException(SchemaRegistryException.VERSION_NOT_FOUND, "Version " + version + " not found.")));
    }

    private List<RegisteredSchema> live(String subject) {
        try {
            return state.versions(subject);
        } catch (SchemaRegistryException e) {
            return List.of();
        }
    }

    // ------------------------------------------------------------------ /config and /mode

    private Reply config(Call c) {
        if (c.size() > 2) {
            return notFound();
        }
        String subject = c.size() == 2 ? c.segment(1) : null;
        return switch (c.method()) {
            case "GET" -> Reply.ok(level(subject == null || c.flag("defaultToGlobal") ? state.level(subject)
                    : state.ownLevel(subject).orElseThrow(() -> new SchemaRegistryException(
                            SchemaRegistryException.SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                            "Subject '" + subject + "' does not have subject-level compatibility configured"))));
            case "PUT" -> {
                CompatibilityLevel level = CompatibilityLevel.parse(c.body().path("compatibility").asText(null));
                yield Reply.ok(JSON.createObjectNode().put("compatibility", commit(state.planSetLevel(subject, level)).name()));
            }
            case "DELETE" -> Reply.ok(level(commit(state.planDeleteLevel(subject))));
            default -> methodNotAllowed();
        };
    }

    private static ObjectNode level(CompatibilityLevel level) {
        return JSON.createObjectNode().put("compatibilityLevel", level.name());
    }

    private Reply mode(Call c) {
        if (c.size() > 2) {
            return notFound();
        }
        String subject = c.size() == 2 ? c.segment(1) : null;
        return switch (c.method()) {
            case "GET" -> Reply.ok(mode(subject == null || c.flag("defaultToGlobal") ? RegistryState.READWRITE
                    : state.ownMode(subject).orElseThrow(() -> new SchemaRegistryException(
                            SchemaRegistryException.SUBJECT_MODE_NOT_CONFIGURED,
                            "Subject '" + subject + "' does not have subject-level mode configured"))));
            case "PUT" -> Reply.ok(mode(commit(state.planSetMode(subject, c.body().path("mode").asText(null)))));
            case "DELETE" -> Reply.ok(mode(commit(state.planDeleteMode(subject))));
            default -> methodNotAllowed();
        };
    }

    private static ObjectNode mode(String mode) {
        return JSON.createObjectNode().put("mode", mode);
    }

    // ------------------------------------------------------------------ helpers

    /** Stores the plan's changes, then applies them: nothing is visible before it is durable. */
    private <T> T commit(RegistryState.Plan<T> plan) {
        plan.changes().forEach(store::append);
        return state.apply(plan);
    }

    /** Confluent's {@code VersionId}: {@code latest}, {@code -1}, or 1 .. 2^31-1; else 42202. */
    static int versionId(String text) {
        if (text.equals("latest") || text.equals("-1")) {
            return RegistryState.LATEST;
        }
        try {
            int v = Integer.parseInt(text);
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // falls through to the error
        }
        throw new SchemaRegistryException(SchemaRegistryException.INVALID_VERSION, "The specified version '" + text
                + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    private static int schemaId(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new SchemaRegistryException(SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + text + " not found");
        }
    }

    /** The schema of a register, look-up or compatibility request: Avro only, no references. */
    static Schema schema(JsonNode body) {
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new SchemaRegistryException(SchemaRegistryException.INVALID_SCHEMA,
                    "Invalid schema: schemaType " + type + " is not supported, only AVRO");
        }
        if (body.path("references").size() > 0) {
            throw new SchemaRegistryException(SchemaRegistryException.INVALID_SCHEMA,
                    "Invalid schema: schema references are not supported by this registry");
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

    private static ObjectNode describe(RegisteredSchema v) {
        return JSON.createObjectNode().put("subject", v.subject()).put("version", v.version()).put("id", v.id())
                .put("schema", v.schema().toString());
    }

    private static JsonNode raw(Schema s) {
        try {
            return JSON.readTree(s.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode a = JSON.createArrayNode();
        values.forEach(a::add);
        return a;
    }

    private static ArrayNode numbers(List<Integer> values) {
        ArrayNode a = JSON.createArrayNode();
        values.forEach(a::add);
        return a;
    }
}
