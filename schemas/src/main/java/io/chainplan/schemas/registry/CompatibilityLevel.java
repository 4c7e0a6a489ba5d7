package io.chainplan.schemas.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * Confluent compatibility levels, checked with Avro's {@link SchemaCompatibility}. BACKWARD: the
 * new schema can read data written with the latest one; FORWARD: data written with the new schema
 * can be read with the latest one; FULL: both. The _TRANSITIVE variants check all earlier versions.
 * <p>{@link #problems} words what is wrong as Confluent's server does in {@code ?verbose=true}
 * answers and in the 40901 message ({@code SchemaValidatorBuilder}, {@code avro.Difference}): one
 * {@code {errorType:'...', description:'...', additionalInfo:'...'}} per incompatibility, then
 * {@code {oldSchemaVersion: n}} and {@code {oldSchema: '...'}} of the version that failed, then
 * {@code {validateFields: 'false', compatibility: 'LEVEL'}}; versions are checked newest first and
 * the check stops at the first that fails.
 */
public enum CompatibilityLevel {
    /** No check. */
    NONE,
    /** New reads latest (the default). */
    BACKWARD,
    /** New reads all earlier versions. */
    BACKWARD_TRANSITIVE,
    /** Latest reads new. */
    FORWARD,
    /** All earlier versions read new. */
    FORWARD_TRANSITIVE,
    /** Both directions against the latest. */
    FULL,
    /** Both directions against all earlier versions. */
    FULL_TRANSITIVE;

    private static final String NEW = "new";
    private static final String OLD = "old";
    private static final int MAX_SCHEMA_CHARS = 10 * 1024;

    /**
     * Parses a level name, case-insensitively.
     *
     * @param name level name, e.g. {@code backward}
     * @return the level
     * @throws SchemaRegistryException 42203 if the name is not a level
     */
    public static CompatibilityLevel parse(String name) {
        try {
            return valueOf(String.valueOf(name).trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SchemaRegistryException(SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL,
                    "Invalid compatibility level " + name + ". Valid values are none, backward, forward, full, "
                            + "backward_transitive, forward_transitive, and full_transitive");
        }
    }

    /**
     * Checks a candidate against a subject's existing versions, oldest first.
     *
     * @param candidate new schema
     * @param existing  registered versions of the subject, oldest first
     * @return true if the candidate may be registered
     */
    public boolean isCompatible(Schema candidate, List<Schema> existing) {
        List<RegisteredSchema> versions = new ArrayList<>();
        for (int i = 0; i < existing.size(); i++) {
            versions.add(new RegisteredSchema("-", i + 1, 0, existing.get(i)));
        }
        return problems(candidate, versions).isEmpty();
    }

    /**
     * What keeps a candidate from being registered after {@code existing} under this level.
     *
     * @param candidate new schema
     * @param existing  versions to check against, oldest first (the latest only unless transitive)
     * @return Confluent's messages (see class doc); empty if compatible
     */
    public List<String> problems(Schema candidate, List<RegisteredSchema> existing) {
        if (this == NONE || existing.isEmpty()) {
            return List.of();
        }
        List<RegisteredSchema> against = name().endsWith("_TRANSITIVE") ? existing : List.of(existing.get(existing.size() - 1));
        for (int i = against.size() - 1; i >= 0; i--) {
            List<String> messages = problemsWith(candidate, against.get(i));
            if (!messages.isEmpty()) {
                messages.add("{validateFields: 'false', compatibility: '" + name() + "'}");
                return List.copyOf(messages);
            }
        }
        return List.of();
    }

    private List<String> problemsWith(Schema candidate, RegisteredSchema old) {
        boolean backward = this == BACKWARD || this == BACKWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
        boolean forward = this == FORWARD || this == FORWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
        List<String> out = new ArrayList<>();
        if (forward) {
            out.addAll(differences(old.schema(), candidate, OLD, NEW));
        }
        if (backward) {
            List<String> newReadsOld = differences(candidate, old.schema(), NEW, OLD);
            out.addAll(newReadsOld);
            if (!newReadsOld.isEmpty() || !forward) {
                appendOld(out, old);
            }
        } else {
            appendOld(out, old);
        }
        return out;
    }

    private static void appendOld(List<String> out, RegisteredSchema old) {
        if (out.isEmpty()) {
            return;
        }
        out.add("{oldSchemaVersion: " + old.version() + "}");
        String text = old.schema().toString();
        out.add(text.length() <= MAX_SCHEMA_CHARS ? "{oldSchema: '" + text + "'}"
                : "{oldSchema: <truncated> '" + text.substring(0, MAX_SCHEMA_CHARS) + "...'}");
    }

    private static List<String> differences(Schema reader, Schema writer, String readerName, String writerName) {
        List<String> out = new ArrayList<>();
        for (Incompatibility i : SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult()
                .getIncompatibilities()) {
            out.add("{errorType:'" + i.getType() + "', description:'" + description(i, readerName, writerName)
                    + "', additionalInfo:'" + i.getMessage() + "'}");
        }
        return out;
    }

    private static String description(Incompatibility i, String reader, String writer) {
        String path = i.getLocation();
        return switch (i.getType()) {
            case FIXED_SIZE_MISMATCH -> "The size of FIXED type field at path '" + path + "' in the " + reader
                    + " schema does not match with the " + writer + " schema";
            case TYPE_MISMATCH -> "The type (path '" + path + "') of a field in the " + reader
                    + " schema does not match with the " + writer + " schema";
            case NAME_MISMATCH -> "The name of the schema has changed (path '" + path + "')";
            case MISSING_ENUM_SYMBOLS -> "The " + reader + " schema is missing enum symbols '" + i.getMessage()
                    + "' at path '" + path + "' in the " + writer + " schema";
            case MISSING_UNION_BRANCH -> "The " + reader + " schema is missing a type inside a union field at path '"
                    + path + "' in the " + writer + " schema";
            case READER_FIELD_MISSING_DEFAULT_VALUE -> "The field '" + i.getMessage() + "' at path '" + path
                    + "' in the " + reader + " schema has no default value and is missing in the " + writer + " schema";
        };
    }
}
