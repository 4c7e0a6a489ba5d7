package io.chainplan.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.Schema;

/**
 * The registry's data: subjects with their versions (live or soft-deleted), schemas by global id,
 * compatibility levels and subject modes; the data model of Confluent's REST API, shared by
 * {@link InMemorySchemaRegistry} and the embedded registry server of the {@code local} module (which
 * rebuilds it from the {@code _schemas} topic). Not thread-safe; owners synchronize.
 * <p>Every change is a {@link Change} value. An operation is first planned (the {@code plan*}
 * methods check it, compute its answer and the changes it makes, and change nothing), then its
 * changes are stored (the embedded server writes them to its topic) and {@link #apply applied};
 * applying the stored changes again, in order, rebuilds the same state.
 * <p>The rules are those of Confluent's server ({@code KafkaSchemaRegistry}):
 * <ul>
 *   <li>ids are global: the same schema text gets the same id under every subject, and keeps it
 *       while any version (live or soft-deleted) uses it; ids start at 1 and are never reused while
 *       the registry runs;</li>
 *   <li>registering a schema a live version already has returns that version; otherwise the
 *       schema must be compatible with the live versions under the subject's level (BACKWARD by
 *       default, else 40901 with the reasons), and gets version (highest version ever, deleted ones
 *       included) + 1; soft-deleted versions of the subject with the same id are removed for good;</li>
 *   <li>a soft delete (of a subject: every live version; of one version) hides versions from every
 *       lookup unless {@code deleted} is asked for, but their ids still resolve (old records stay
 *       readable); a permanent delete needs a soft delete first (40405, 40407) and removes them,
 *       with the subject's own level and mode when no version is left.</li>
 * </ul>
 */
public final class RegistryState {
    /** The level of a registry where none was set. */
    public static final CompatibilityLevel DEFAULT_LEVEL = CompatibilityLevel.BACKWARD;
    /** The one mode this registry supports (Confluent's default). */
    public static final String READWRITE = "READWRITE";
    /** Version number meaning "the latest" (Confluent's {@code VersionId} for {@code latest}). */
    public static final int LATEST = -1;

    private static final Set<String> CONFLUENT_MODES = Set.of(READWRITE, "READONLY", "READONLY_OVERRIDE", "IMPORT", "FORWARD");

    /** One stored fact; applying them in order rebuilds the state. */
    public sealed interface Change permits VersionStored, VersionRemoved, SubjectDeleted, LevelSet, LevelRemoved,
            GlobalLevelSet, ModeSet, ModeRemoved {
    }

    /**
     * A version registered, or rewritten as soft-deleted.
     *
     * @param version the version
     * @param deleted whether it is soft-deleted
     */
    public record VersionStored(RegisteredSchema version, boolean deleted) implements Change {
        /** Validates the field. */
        public VersionStored {
            Objects.requireNonNull(version, "version");
        }
    }

    /**
     * A version removed for good (a permanent delete).
     *
     * @param subject the subject
     * @param version the version
     */
    public record VersionRemoved(String subject, int version) implements Change {
        /** Validates the field. */
        public VersionRemoved {
            Objects.requireNonNull(subject, "subject");
        }
    }

    /**
     * A subject soft-deleted: its versions up to {@code upToVersion} are hidden (Confluent's
     * {@code DELETE_SUBJECT} record).
     *
     * @param subject     the subject
     * @param upToVersion highest version deleted
     */
    public record SubjectDeleted(String subject, int upToVersion) implements Change {
        /** Validates the field. */
        public SubjectDeleted {
            Objects.requireNonNull(subject, "subject");
        }
    }

    /**
     * A subject's own compatibility level set.
     *
     * @param subject the subject
     * @param level   its level
     */
    public record LevelSet(String subject, CompatibilityLevel level) implements Change {
        /** Validates the fields. */
        public LevelSet {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(level, "level");
        }
    }

    /**
     * A subject's own compatibility level removed (it follows the global level again).
     *
     * @param subject the subject
     */
    public record LevelRemoved(String subject) implements Change {
        /** Validates the field. */
        public LevelRemoved {
            Objects.requireNonNull(subject, "subject");
        }
    }

    /**
     * The global compatibility level set ({@link #DEFAULT_LEVEL} when it is deleted).
     *
     * @param level the level
     */
    public record GlobalLevelSet(CompatibilityLevel level) implements Change {
        /** Validates the field. */
        public GlobalLevelSet {
            Objects.requireNonNull(level, "level");
        }
    }

    /**
     * A subject's own mode set.
     *
     * @param subject the subject
     * @param mode    its mode ({@link #READWRITE})
     */
    public record ModeSet(String subject, String mode) implements Change {
        /** Validates the fields. */
        public ModeSet {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(mode, "mode");
        }
    }

    /**
     * A subject's own mode removed.
     *
     * @param subject the subject
     */
    public record ModeRemoved(String subject) implements Change {
        /** Validates the field. */
        public ModeRemoved {
            Objects.requireNonNull(subject, "subject");
        }
    }

    /**
     * What an operation would do.
     *
     * @param result  its answer
     * @param changes what to store and apply, in order (none if the operation changes nothing)
     * @param <T>     the answer's type
     */
    public record Plan<T>(T result, List<Change> changes) {
        /** Copies the list. */
        public Plan {
            Objects.requireNonNull(result, "result");
            changes = List.copyOf(changes);
        }
    }

    /** A version with its soft-delete flag. */
    private record Entry(RegisteredSchema schema, boolean deleted) {
    }

    private final Map<String, TreeMap<Integer, Entry>> subjects = new TreeMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, Integer> idsByText = new HashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new TreeMap<>();
    private final Map<String, String> subjectModes = new TreeMap<>();
    private CompatibilityLevel globalLevel = DEFAULT_LEVEL;
    private int nextId = 1;

    // ------------------------------------------------------------------ changes

    /**
     * Applies one stored change. Idempotent for every kind, so replaying a store twice is harmless.
     *
     * @param change the change
     */
    public void apply(Change change) {
        Objects.requireNonNull(change, "change");
        if (change instanceof VersionStored v) {
            store(v.version(), v.deleted());
        } else if (change instanceof VersionRemoved v) {
            remove(v.subject(), v.version());
        } else if (change instanceof SubjectDeleted d) {
            versionsOf(d.subject()).headMap(d.upToVersion(), true).replaceAll((k, e) -> new Entry(e.schema(), true));
        } else if (change instanceof LevelSet l) {
            subjectLevels.put(l.subject(), l.level());
        } else if (change instanceof LevelRemoved l) {
            subjectLevels.remove(l.subject());
        } else if (change instanceof GlobalLevelSet g) {
            globalLevel = g.level();
        } else if (change instanceof ModeSet m) {
            subjectModes.put(m.subject(), m.mode());
        } else if (change instanceof ModeRemoved m) {
            subjectModes.remove(m.subject());
        }
    }

    /**
     * Applies a plan's changes and returns its answer.
     *
     * @param plan a plan of this state
     * @param <T>  the answer's type
     * @return the plan's answer
     */
    public <T> T apply(Plan<T> plan) {
        plan.changes().forEach(this::apply);
        return plan.result();
    }

    private void store(RegisteredSchema r, boolean deleted) {
        TreeMap<Integer, Entry> versions = subjects.computeIfAbsent(r.subject(), s -> new TreeMap<>());
        Entry old = versions.put(r.version(), new Entry(r, deleted));
        schemasById.putIfAbsent(r.id(), r.schema());
        idsByText.putIfAbsent(r.schema().toString(), r.id());
        nextId = Math.max(nextId, r.id() + 1);
        if (old != null && old.schema().id() != r.id()) {
            forgetIfUnused(old.schema().id());
        }
    }

    private void remove(String subject, int version) {
        TreeMap<Integer, Entry> versions = subjects.get(subject);
        Entry old = versions == null ? null : versions.remove(version);
        if (old == null) {
            return;
        }
        if (versions.isEmpty()) {
            subjects.remove(subject);
        }
        forgetIfUnused(old.schema().id());
    }

    private void forgetIfUnused(int id) {
        for (TreeMap<Integer, Entry> versions : subjects.values()) {
            for (Entry e : versions.values()) {
                if (e.schema().id() == id) {
                    return;
                }
            }
        }
        Schema s = schemasById.remove(id);
        if (s != null) {
            idsByText.remove(s.toString(), id);
        }
    }

    // ------------------------------------------------------------------ plans

    /**
     * Plans a registration (see class doc).
     *
     * @param subject subject name
     * @param schema  the schema
     * @return the version the schema has or will have, and the changes (none if it has one)
     * @throws SchemaRegistryException 40901 if incompatible with the live versions
     */
    public Plan<RegisteredSchema> planRegister(String subject, Schema schema) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
        String text = schema.toString();
        TreeMap<Integer, Entry> versions = versionsOf(subject);
        for (Entry e : versions.values()) {
            if (!e.deleted() && e.schema().schema().toString().equals(text)) {
                return new Plan<>(e.schema(), List.of());
            }
        }
        List<String> problems = level(subject).problems(schema, live(subject));
        if (!problems.isEmpty()) {
            throw new SchemaRegistryException(SchemaRegistryException.INCOMPATIBLE,
                    "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                            + "\", details: " + problems);
        }
        int id = idsByText.getOrDefault(text, nextId);
        int version = versions.isEmpty() ? 1 : versions.lastKey() + 1;
        RegisteredSchema r = new RegisteredSchema(subject, version, id, schema);
        List<Change> changes = new ArrayList<>(List.of(new VersionStored(r, false)));
        versions.values().stream().filter(e -> e.deleted() && e.schema().id() == id)
                .forEach(e -> changes.add(new VersionRemoved(subject, e.schema().version())));
        return new Plan<>(r, changes);
    }

    /**
     * Plans deleting a subject: soft (every live version) or permanent (every version, which must
     * all be soft-deleted already).
     *
     * @param subject   subject name
     * @param permanent whether to remove for good
     * @return the version numbers deleted, ascending, and the changes
     * @throws SchemaRegistryException 40401 if the subject has no version at all, 40404 if a soft
     *                                 delete finds no live version, 40405 if a permanent delete finds one
     */
    public Plan<List<Integer>> planDeleteSubject(String subject, boolean permanent) {
        TreeMap<Integer, Entry> versions = existing(subject);
        List<Integer> live = versions.values().stream().filter(e -> !e.deleted()).map(e -> e.schema().version()).toList();
        if (!permanent) {
            if (live.isEmpty()) {
                throw new SchemaRegistryException(SchemaRegistryException.SUBJECT_SOFT_DELETED,
                        "Subject '" + subject + "' was soft deleted.Set permanent=true to delete permanently");
            }
            return new Plan<>(live, List.of(new SubjectDeleted(subject, live.get(live.size() - 1))));
        }
        if (!live.isEmpty()) {
            throw new SchemaRegistryException(SchemaRegistryException.SUBJECT_NOT_SOFT_DELETED,
                    "Subject '" + subject + "' was not deleted first before being permanently deleted");
        }
        List<Change> changes = new ArrayList<>();
        versions.descendingKeySet().forEach(v -> changes.add(new VersionRemoved(subject, v)));
        changes.addAll(ownSettingsRemoved(subject));
        return new Plan<>(List.copyOf(versions.keySet()), changes);
    }

    /**
     * Plans deleting one version: soft, or permanent (it must be soft-deleted already).
     *
     * @param subject   subject name
     * @param version   version number, or {@link #LATEST} for the highest (deleted ones included)
     * @param permanent whether to remove for good
     * @return the version number deleted, and the changes
     * @throws SchemaRegistryException 40401 no such subject, 40402 no such version, 40406 a soft
     *                                 delete of a soft-deleted version, 40407 a permanent delete of a live one
     */
    public Plan<Integer> planDeleteVersion(String subject, int version, boolean permanent) {
        TreeMap<Integer, Entry> versions = existing(subject);
        Entry e = version == LATEST ? versions.lastEntry().getValue() : versions.get(version);
        if (e == null) {
            throw versionNotFound(version);
        }
        int v = e.schema().version();
        if (!permanent) {
            if (e.deleted()) {
                throw new SchemaRegistryException(SchemaRegistryException.VERSION_SOFT_DELETED, "Subject '" + subject
                        + "' Version " + v + " was soft deleted.Set permanent=true to delete permanently");
            }
            return new Plan<>(v, List.of(new VersionStored(e.schema(), true)));
        }
        if (!e.deleted()) {
            throw new SchemaRegistryException(SchemaRegistryException.VERSION_NOT_SOFT_DELETED, "Subject '" + subject
                    + "' Version " + v + " was not deleted first before being permanently deleted");
        }
        List<Change> changes = new ArrayList<>(List.of(new VersionRemoved(subject, v)));
        if (versions.size() == 1) {
            changes.addAll(ownSettingsRemoved(subject));
        }
        return new Plan<>(v, changes);
    }

    private List<Change> ownSettingsRemoved(String subject) {
        List<Change> out = new ArrayList<>();
        if (subjectLevels.containsKey(subject)) {
            out.add(new LevelRemoved(subject));
        }
        if (subjectModes.containsKey(subject)) {
            out.add(new ModeRemoved(subject));
        }
        return out;
    }

    /**
     * @param subject subject name, or null for the global level
     * @param level   the level to set
     * @return the level, and the change
     */
    public Plan<CompatibilityLevel> planSetLevel(String subject, CompatibilityLevel level) {
        Objects.requireNonNull(level, "level");
        return new Plan<>(level, List.of(subject == null ? new GlobalLevelSet(level) : new LevelSet(subject, level)));
    }

    /**
     * Plans deleting a level: the subject's own (it then follows the global one), or the global
     * level (back to {@link #DEFAULT_LEVEL}).
     *
     * @param subject subject name, or null for the global level
     * @return the level that was in force, and the change
     * @throws SchemaRegistryException 40401 if the subject has no level of its own
     */
    public Plan<CompatibilityLevel> planDeleteLevel(String subject) {
        if (subject == null) {
            return new Plan<>(globalLevel, List.of(new GlobalLevelSet(DEFAULT_LEVEL)));
        }
        CompatibilityLevel own = subjectLevels.get(subject);
        if (own == null) {
            throw subjectNotFound(subject);
        }
        return new Plan<>(own, List.of(new LevelRemoved(subject)));
    }

    /**
     * Plans setting a mode. Only {@link #READWRITE} is supported: any other of Confluent's modes is
     * refused, as is setting {@code FORWARD} on a subject.
     *
     * @param subject subject name, or null for the global mode
     * @param mode    the mode's name (any case)
     * @return the mode, and the changes (none for the global mode, always READWRITE)
     * @throws SchemaRegistryException 42204 for a name that is no mode, 42205 for a mode this
     *                                 registry does not support
     */
    public Plan<String> planSetMode(String subject, String mode) {
        String m = mode == null ? "" : mode.trim().toUpperCase(Locale.ROOT);
        if (!CONFLUENT_MODES.contains(m)) {
            throw new SchemaRegistryException(SchemaRegistryException.INVALID_MODE,
                    "Invalid mode. Valid values are READWRITE, READONLY, IMPORT and FORWARD.");
        }
        if (m.equals("FORWARD") && subject != null) {
            throw new SchemaRegistryException(SchemaRegistryException.INVALID_MODE, "Forward mode only supported on global level");
        }
        if (!m.equals(READWRITE)) {
            throw new SchemaRegistryException(SchemaRegistryException.OPERATION_NOT_PERMITTED,
                    "Mode " + m + " is not supported by this registry; only READWRITE is");
        }
        return new Plan<>(m, subject == null ? List.of() : List.of(new ModeSet(subject, m)));
    }

    /**
     * @param subject subject name, or null for the global mode
     * @return the mode that was in force, and the change (none for the global mode)
     * @throws SchemaRegistryException 40401 if the subject has no mode of its own
     */
    public Plan<String> planDeleteMode(String subject) {
        if (subject == null) {
            return new Plan<>(READWRITE, List.of());
        }
        String own = subjectModes.get(subject);
        if (own == null) {
            throw subjectNotFound(subject);
        }
        return new Plan<>(own, List.of(new ModeRemoved(subject)));
    }

    /**
     * Registers (plans and applies) and returns the version, new or existing.
     *
     * @param subject subject name
     * @param schema  the schema
     * @return the version
     */
    public RegisteredSchema register(String subject, Schema schema) {
        return apply(planRegister(subject, schema));
    }

    /**
     * Sets a subject's level, or the global level when {@code subject} is null.
     *
     * @param subject subject name, or null
     * @param level   the level
     */
    public void setLevel(String subject, CompatibilityLevel level) {
        apply(planSetLevel(subject, level));
    }

    // ------------------------------------------------------------------ queries

    /**
     * @param subject subject name
     * @param schema  candidate schema
     * @return whether it could be registered now
     */
    public boolean isCompatible(String subject, Schema schema) {
        return problems(subject, schema, live(subject)).isEmpty();
    }

    /**
     * @param subject subject name
     * @param schema  candidate schema
     * @param against versions to check, oldest first (the subject's level decides whether all or the latest)
     * @return what keeps the schema from being registered after them ({@link CompatibilityLevel#problems})
     */
    public List<String> problems(String subject, Schema schema, List<RegisteredSchema> against) {
        return level(subject).problems(schema, against);
    }

    /**
     * @param id global schema id
     * @return its schema, while any version (live or soft-deleted) uses it
     * @throws SchemaRegistryException 40403 if there is none
     */
    public Schema schemaById(int id) {
        Schema s = schemasById.get(id);
        if (s == null) {
            throw new SchemaRegistryException(SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
        }
        return s;
    }

    /**
     * @param id             global schema id
     * @param includeDeleted whether soft-deleted versions count
     * @return the versions using it, by subject then version (empty if none)
     */
    public List<RegisteredSchema> versionsOfId(int id, boolean includeDeleted) {
        List<RegisteredSchema> out = new ArrayList<>();
        subjects.values().forEach(vs -> vs.values().stream()
                .filter(e -> e.schema().id() == id && (includeDeleted || !e.deleted())).forEach(e -> out.add(e.schema())));
        return out;
    }

    /**
     * @param subject subject name
     * @return its latest live version, or empty if it has none
     */
    public Optional<RegisteredSchema> latest(String subject) {
        List<RegisteredSchema> live = live(subject);
        return live.isEmpty() ? Optional.empty() : Optional.of(live.get(live.size() - 1));
    }

    /**
     * @param subject subject name
     * @return the subject's live versions, oldest first
     * @throws SchemaRegistryException 40401 if it has none
     */
    public List<RegisteredSchema> versions(String subject) {
        return versions(subject, false);
    }

    /**
     * @param subject        subject name
     * @param includeDeleted whether soft-deleted versions are listed too
     * @return its versions, oldest first
     * @throws SchemaRegistryException 40401 if it has none (of those asked for)
     */
    public List<RegisteredSchema> versions(String subject, boolean includeDeleted) {
        List<RegisteredSchema> out = versionsOf(subject).values().stream().filter(e -> includeDeleted || !e.deleted())
                .map(Entry::schema).toList();
        if (out.isEmpty()) {
            throw subjectNotFound(subject);
        }
        return out;
    }

    private List<RegisteredSchema> live(String subject) {
        return versionsOf(subject).values().stream().filter(e -> !e.deleted()).map(Entry::schema).toList();
    }

    /**
     * @param subject subject name
     * @return its soft-deleted versions, oldest first (empty if none)
     */
    public List<RegisteredSchema> deletedVersions(String subject) {
        return versionsOf(subject).values().stream().filter(Entry::deleted).map(Entry::schema).toList();
    }

    /**
     * @param subject subject name
     * @param version a live version number
     * @return that version
     * @throws SchemaRegistryException 40401 if the subject has no live version, 40402 if it has not this one
     */
    public RegisteredSchema version(String subject, int version) {
        return version(subject, version, false);
    }

    /**
     * @param subject        subject name
     * @param version        version number, or {@link #LATEST}
     * @param includeDeleted whether a soft-deleted version may be returned
     * @return that version
     * @throws SchemaRegistryException 40401 if the subject has no version (of those asked for), 40402 if it has not this one
     */
    public RegisteredSchema version(String subject, int version, boolean includeDeleted) {
        List<RegisteredSchema> versions = versions(subject, includeDeleted);
        if (version == LATEST) {
            return versions.get(versions.size() - 1);
        }
        return versions.stream().filter(v -> v.version() == version).findFirst().orElseThrow(() -> versionNotFound(version));
    }

    /**
     * The version of a subject that has this schema text (Confluent's look-up, {@code POST /subjects/{s}}).
     *
     * @param subject        subject name
     * @param schema         the schema
     * @param includeDeleted whether soft-deleted versions are searched too
     * @return the version
     * @throws SchemaRegistryException 40401 if the subject has no version, 40403 if none has this schema
     */
    public RegisteredSchema lookup(String subject, Schema schema, boolean includeDeleted) {
        String text = schema.toString();
        return versions(subject, includeDeleted).stream().filter(v -> v.schema().toString().equals(text)).findFirst()
                .orElseThrow(() -> new SchemaRegistryException(SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema not found"));
    }

    /**
     * @return subjects with at least one live version, sorted
     */
    public List<String> subjects() {
        return subjects(false, false);
    }

    /**
     * @param includeDeleted also subjects whose versions are all soft-deleted
     * @param deletedOnly    only subjects with a soft-deleted version (Confluent's {@code deletedOnly})
     * @return subjects, sorted
     */
    public List<String> subjects(boolean includeDeleted, boolean deletedOnly) {
        List<String> out = new ArrayList<>();
        subjects.forEach((s, vs) -> {
            boolean anyLive = vs.values().stream().anyMatch(e -> !e.deleted());
            boolean anyDeleted = vs.values().stream().anyMatch(Entry::deleted);
            if (deletedOnly ? anyDeleted : anyLive || includeDeleted && anyDeleted) {
                out.add(s);
            }
        });
        return out;
    }

    /**
     * @param subject subject name, or null for the global level
     * @return the level in force: the subject's own, else the global one
     */
    public CompatibilityLevel level(String subject) {
        return subject == null ? globalLevel : subjectLevels.getOrDefault(subject, globalLevel);
    }

    /**
     * @param subject subject name
     * @return the subject's own level, if it has one
     */
    public Optional<CompatibilityLevel> ownLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    /**
     * @param subject subject name
     * @return the subject's own mode, if it has one
     */
    public Optional<String> ownMode(String subject) {
        return Optional.ofNullable(subjectModes.get(subject));
    }

    private TreeMap<Integer, Entry> versionsOf(String subject) {
        TreeMap<Integer, Entry> vs = subjects.get(Objects.requireNonNull(subject, "subject"));
        return vs == null ? new TreeMap<>() : vs;
    }

    private TreeMap<Integer, Entry> existing(String subject) {
        TreeMap<Integer, Entry> vs = subjects.get(Objects.requireNonNull(subject, "subject"));
        if (vs == null || vs.isEmpty()) {
            throw subjectNotFound(subject);
        }
        return vs;
    }

    private static SchemaRegistryException subjectNotFound(String subject) {
        return new SchemaRegistryException(SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    private static SchemaRegistryException versionNotFound(int version) {
        return new SchemaRegistryException(SchemaRegistryException.VERSION_NOT_FOUND, "Version " + version + " not found.");
    }
}
