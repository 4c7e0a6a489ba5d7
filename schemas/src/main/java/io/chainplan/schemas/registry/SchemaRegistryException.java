package io.chainplan.schemas.registry;

/**
 * A schema-registry operation failed. Carries the error code of Confluent's REST API
 * ({@code io.confluent.kafka.schemaregistry.rest.exceptions.Errors}): 404xx not found (40401
 * subject, 40402 version, 40403 schema, 40404 subject soft-deleted, 40405 subject not soft-deleted
 * before a permanent delete, 40406 / 40407 the same for a version, 40408 no subject-level
 * compatibility, 40409 no subject-level mode), 40901 incompatible schema (servers before Confluent
 * Platform 8.2 answered 409), 422xx unprocessable (42201 invalid schema, 42202 invalid version, 42203
 * invalid compatibility level, 42204 invalid mode, 42205 operation not permitted), 500xx server
 * side (50001 store error, 50002 operation timed out, 50003 forwarding to the primary failed, 50004
 * unknown primary); an HTTP status when the server sent no error body; 0 when no server answered
 * (connection refused, timeout, I/O failure).
 * <p>{@link #isTransient()} tells a failure of the registry (worth retrying: it says nothing about
 * the schema or the record that needed it) from an answer about the request.
 */
public final class SchemaRegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Subject not found. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** Version not found. */
    public static final int VERSION_NOT_FOUND = 40402;
    /** Schema not found. */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** The subject was soft-deleted (and a soft delete was asked again). */
    public static final int SUBJECT_SOFT_DELETED = 40404;
    /** A permanent delete of a subject that was not soft-deleted first. */
    public static final int SUBJECT_NOT_SOFT_DELETED = 40405;
    /** The version was soft-deleted (and a soft delete was asked again). */
    public static final int VERSION_SOFT_DELETED = 40406;
    /** A permanent delete of a version that was not soft-deleted first. */
    public static final int VERSION_NOT_SOFT_DELETED = 40407;
    /** The subject has no compatibility level of its own. */
    public static final int SUBJECT_COMPATIBILITY_NOT_CONFIGURED = 40408;
    /** The subject has no mode of its own. */
    public static final int SUBJECT_MODE_NOT_CONFIGURED = 40409;
    /** Schema incompatible with an earlier version (HTTP 409). */
    public static final int INCOMPATIBLE = 40901;
    /** What servers before Confluent Platform 8.2 (and 8.0.4) sent for {@link #INCOMPATIBLE}: the bare HTTP status. */
    public static final int INCOMPATIBLE_LEGACY = 409;
    /** Invalid schema. */
    public static final int INVALID_SCHEMA = 42201;
    /** Invalid version. */
    public static final int INVALID_VERSION = 42202;
    /** Invalid compatibility level. */
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    /** Invalid mode. */
    public static final int INVALID_MODE = 42204;
    /** Operation not permitted (for example a mode this registry does not support). */
    public static final int OPERATION_NOT_PERMITTED = 42205;
    /** Error in the backend data store. */
    public static final int STORE_ERROR = 50001;
    /** Operation timed out. */
    public static final int OPERATION_TIMEOUT = 50002;
    /** Forwarding the request to the primary failed. */
    public static final int REQUEST_FORWARDING_FAILED = 50003;
    /** The primary is not known. */
    public static final int UNKNOWN_LEADER = 50004;
    /** No answer from the server (connection refused, timeout, ...). */
    public static final int NO_RESPONSE = 0;

    private final int errorCode;

    /**
     * @param errorCode Confluent error code or HTTP status (see class doc)
     * @param message   what failed
     */
    public SchemaRegistryException(int errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    /**
     * @param errorCode Confluent error code or HTTP status (see class doc)
     * @param message   what failed
     * @param cause     underlying failure
     */
    public SchemaRegistryException(int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    /**
     * @return the Confluent error code (e.g. 40403) or HTTP status
     */
    public int errorCode() {
        return errorCode;
    }

    /**
     * @return the HTTP status this error code maps to (the first three digits of a five-digit code)
     */
    public int httpStatus() {
        return httpStatusOf(errorCode);
    }

    /**
     * A failure of the registry rather than an answer about the request: no answer at all, an
     * HTTP 5xx (including the 500xx codes: store error, timeout, forwarding, unknown primary), 408
     * request timeout or 429 too many requests. Retrying later may succeed; the schema or record
     * concerned is not known to be bad.
     *
     * @return whether retrying may succeed
     */
    public boolean isTransient() {
        int status = httpStatus();
        return errorCode == NO_RESPONSE || status / 100 == 5 || status == 408 || status == 429;
    }

    /**
     * @return whether the registry refused a schema as incompatible ({@link #INCOMPATIBLE}, or
     *         {@link #INCOMPATIBLE_LEGACY} from an older server)
     */
    public boolean isIncompatible() {
        return errorCode == INCOMPATIBLE || errorCode == INCOMPATIBLE_LEGACY;
    }

    /**
     * @param errorCode Confluent error code
     * @return its HTTP status: 40401 to 404, 42201 to 422, 409 stays 409, 0 to 500
     */
    public static int httpStatusOf(int errorCode) {
        if (errorCode >= 10000) {
            return errorCode / 100;
        }
        return errorCode >= 100 ? errorCode : 500;
    }
}
