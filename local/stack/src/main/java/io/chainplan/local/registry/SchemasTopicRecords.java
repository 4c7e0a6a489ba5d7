package io.chainplan.local.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chainplan.schemas.registry.CompatibilityLevel;
import io.chainplan.schemas.registry.RegisteredSchema;
import io.chainplan.schemas.registry.RegistryState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The records of a registry's {@code _schemas} topic in the layout of Confluent's server
 * ({@code SchemaKey}, {@code DeleteSubjectKey}, {@code ConfigKey}, {@code ModeKey} and their values),
 * so the topic is compacted per key and a Confluent tool reading it understands it:
 * <ul>
 *   <li>key {@code {"keytype":"SCHEMA","subject":s,"version":v,"magic":1}}, value
 *       {@code {"subject":s,"version":v,"id":n,"schema":"...","deleted":false|true}} for a version
 *       (re-written with {@code "deleted":true} by a soft delete of the version), a tombstone (null
 *       value) when it is removed for good;</li>
 *   <li>key {@code {"keytype":"DELETE_SUBJECT","subject":s,"magic":0}}, value
 *       {@code {"subject":s,"version":w}}: a soft delete of the subject's versions up to {@code w};</li>
 *   <li>key {@code {"keytype":"CONFIG","subject":s|null,"magic":0}}, value
 *       {@code {"compatibilityLevel":"..."}} (a tombstone when a subject's level is deleted);</li>
 *   <li>key {@code {"keytype":"MODE","subject":s,"magic":0}}, value {@code {"subject":s,"mode":"..."}}
 *       (a tombstone when it is deleted).</li>
 * </ul>
 * Keys are written with their fields always in that order, so the same key is the same bytes.
 * Stateless; thread-safe.
 */
final class SchemasTopicRecords {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One record of the topic.
     *
     * @param key   the key, JSON
     * @param value the value, JSON, or null for a tombstone
     */
    record Encoded(String key, String value) {
    }

    private SchemasTopicRecords() {
    }

    /**
     * @param change a change of the registry
     * @return its record
     */
    static Encoded encode(RegistryState.Change change) {
        if (change instanceof RegistryState.VersionStored v) {
            RegisteredSchema s = v.version();
            ObjectNode value = JSON.createObjectNode().put("subject", s.subject()).put("version", s.version())
                    .put("id", s.id()).put("schema", s.schema().toString()).put("deleted", v.deleted());
            return new Encoded(schemaKey(s.subject(), s.version()), value.toString());
        }
        if (change instanceof RegistryState.VersionRemoved r) {
            return new Encoded(schemaKey(r.subject(), r.version()), null);
        }
        if (change instanceof RegistryState.SubjectDeleted d) {
            return new Encoded(subjectKey("DELETE_SUBJECT", d.subject()),
                    JSON.createObjectNode().put("subject", d.subject()).put("version", d.upToVersion()).toString());
        }
        if (change instanceof RegistryState.LevelSet l) {
            return new Encoded(subjectKey("CONFIG", l.subject()), level(l.level()));
        }
        if (change instanceof RegistryState.LevelRemoved l) {
            return new Encoded(subjectKey("CONFIG", l.subject()), null);
        }
        if (change instanceof RegistryState.GlobalLevelSet g) {
            return new Encoded(subjectKey("CONFIG", null), level(g.level()));
        }
        if (change instanceof RegistryState.ModeSet m) {
            return new Encoded(subjectKey("MODE", m.subject()),
                    JSON.createObjectNode().put("subject", m.subject()).put("mode", m.mode()).toString());
        }
        RegistryState.ModeRemoved m = (RegistryState.ModeRemoved) change;
        return new Encoded(subjectKey("MODE", m.subject()), null);
    }

    /**
     * @param key   a record key as read
     * @param value its value, or null for a tombstone
     * @return the change it records, or empty for a record of a kind this registry does not keep
     *         ({@code NOOP}, {@code CLEAR_SUBJECT}, contexts, the global mode, ...)
     * @throws UncheckedIOException if the key or value is not JSON
     * @throws RuntimeException     if a field is missing or malformed
     */
    static Optional<RegistryState.Change> decode(String key, String value) {
        JsonNode k = read(key);
        JsonNode v = value == null ? null : read(value);
        String subject = k.path("subject").isTextual() ? k.get("subject").asText() : null;
        switch (k.path("keytype").asText()) {
            case "SCHEMA" -> {
                if (v == null) {
                    return Optional.of(new RegistryState.VersionRemoved(subject, k.get("version").asInt()));
                }
                Schema schema = new Schema.Parser().parse(v.get("schema").asText());
                return Optional.of(new RegistryState.VersionStored(new RegisteredSchema(v.get("subject").asText(),
                        v.get("version").asInt(), v.get("id").asInt(), schema), v.path("deleted").asBoolean(false)));
            }
            case "DELETE_SUBJECT" -> {
                return v == null ? Optional.empty()
                        : Optional.of(new RegistryState.SubjectDeleted(subject, v.get("version").asInt()));
            }
            case "CONFIG" -> {
                if (subject == null) {
                    return Optional.of(new RegistryState.GlobalLevelSet(v == null ? RegistryState.DEFAULT_LEVEL
                            : CompatibilityLevel.parse(v.get("compatibilityLevel").asText())));
                }
                return Optional.of(v == null ? new RegistryState.LevelRemoved(subject)
                        : new RegistryState.LevelSet(subject, CompatibilityLevel.parse(v.get("compatibilityLevel").asText())));
            }
            case "MODE" -> {
                if (subject == null) {
                    return Optional.empty();
                }
                return Optional.of(v == null ? new RegistryState.ModeRemoved(subject)
                        : new RegistryState.ModeSet(subject, v.get("mode").asText()));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    private static String schemaKey(String subject, int version) {
        return JSON.createObjectNode().put("keytype", "SCHEMA").put("subject", subject).put("version", version)
                .put("magic", 1).toString();
    }

    private static String subjectKey(String type, String subject) {
        return JSON.createObjectNode().put("keytype", type).put("subject", subject).put("magic", 0).toString();
    }

    private static String level(CompatibilityLevel level) {
        return JSON.createObjectNode().put("compatibilityLevel", level.name()).toString();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
