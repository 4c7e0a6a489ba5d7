package io.chainplan.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.Schema;

/**
 * The registry's data: subjects with their versions, schemas by global id, and compatibility
 * levels: the registry protocol's data model. Shared by {@link InMemorySchemaRegistry} and the
 * embedded registry server of the {@code local} module (which rebuilds it from the {@code _schemas} topic). Ids are global: the same schema text gets the same
 * id under every subject. Not thread-safe; owners synchronize.
 */
public final class RegistryState {
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, Integer> idsByText = new HashMap<>();
    private final Map<String, List<RegisteredSchema>> subjects = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new TreeMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
    private int nextId = 1;

    /** What registering a schema would do: reuse an existing version, or add a new one. */
    public record Outcome(RegisteredSchema registered, boolean isNew) {
    }

    /**
     * Plans a registration without changing anything: the existing version if the subject already
     * has this schema, else the version and id it would get, after the compatibility check.
     */
    public Outcome plan(String subject, Schema schema) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
        String text = schema.toString();
        List<RegisteredSchema> versions = subjects.getOrDefault(subject, List.of());
        for (RegisteredSchema v : versions) {
            if (v.schema().toString().equals(text)) {
                return new Outcome(v, false);
            }
        }
        if (!isCompatible(subject, schema)) {
            throw new SchemaRegistryException(SchemaRegistryException.INCOMPATIBLE,
                    "Schema being registered is incompatible with an earlier schema for subject \""
                            + subject + "\" (compatibility " + level(subject) + ")");
        }
        int id = idsByText.getOrDefault(text, nextId);
        int version = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
        return new Outcome(new RegisteredSchema(subject, version, id, schema), true);
    }

    /** Records a version (a planned outcome, or one replayed from the store). Idempotent. */
    public void apply(RegisteredSchema r) {
        String text = r.schema().toString();
        schemasById.putIfAbsent(r.id(), r.schema());
        idsByText.putIfAbsent(text, r.id());
        nextId = Math.max(nextId, r.id() + 1);
        List<RegisteredSchema> versions = subjects.computeIfAbsent(r.subject(), s -> new ArrayList<>());
        for (RegisteredSchema v : versions) {
            if (v.version() == r.version()) {
                return;
            }
        }
        versions.add(r);
        versions.sort((a, b) -> Integer.compare(a.version(), b.version()));
    }

    /** Registers and returns the version (new or existing). */
    public RegisteredSchema register(String subject, Schema schema) {
        Outcome o = plan(subject, schema);
        if (o.isNew()) {
            apply(o.registered());
        }
        return o.registered();
    }

    public boolean isCompatible(String subject, Schema schema) {
        List<Schema> existing = new ArrayList<>();
        for (RegisteredSchema v : subjects.getOrDefault(subject, List.of())) {
            existing.add(v.schema());
        }
        return level(subject).isCompatible(schema, existing);
    }

    public Schema schemaById(int id) {
        Schema s = schemasById.get(id);
        if (s == null) {
            throw new SchemaRegistryException(SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
        }
        return s;
    }

    public Optional<RegisteredSchema> latest(String subject) {
        List<RegisteredSchema> versions = subjects.getOrDefault(subject, List.of());
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1));
    }

    /** @return the subject's versions, oldest first; 40401 if the subject does not exist */
    public List<RegisteredSchema> versions(String subject) {
        List<RegisteredSchema> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new SchemaRegistryException(SchemaRegistryException.SUBJECT_NOT_FOUND,
                    "Subject '" + subject + "' not found.");
        }
        return List.copyOf(versions);
    }

    /** @return one version; 40401 if no subject, 40402 if no such version */
    public RegisteredSchema version(String subject, int version) {
        for (RegisteredSchema v : versions(subject)) {
            if (v.version() == version) {
                return v;
            }
        }
        throw new SchemaRegistryException(SchemaRegistryException.VERSION_NOT_FOUND,
                "Version " + version + " not found.");
    }

    /** @return all subjects with at least one version, sorted */
    public List<String> subjects() {
        List<String> out = new ArrayList<>();
        subjects.forEach((s, v) -> {
            if (!v.isEmpty()) {
                out.add(s);
            }
        });
        return out;
    }

    public CompatibilityLevel level(String subject) {
        return subject == null ? globalLevel : subjectLevels.getOrDefault(subject, globalLevel);
    }

    /** Sets a subject's level, or the global level when {@code subject} is null. */
    public void setLevel(String subject, CompatibilityLevel level) {
        Objects.requireNonNull(level, "level");
        if (subject == null) {
            globalLevel = level;
        } else {
            subjectLevels.put(subject, level);
        }
    }
}
