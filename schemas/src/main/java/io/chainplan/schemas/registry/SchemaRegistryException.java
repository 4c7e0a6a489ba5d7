package io.chainplan.schemas.registry;

/**
 * A schema-registry operation failed. Carries the Confluent error code: 40401 subject not found,
 * 40402 version not found, 40403 schema not found, 42201 invalid schema, 42203 invalid
 * compatibility level, 409 incompatible schema, 50001 store error, or an HTTP status when the
 * server sent no error body; 0 when no server answered (I/O failure).
 */
public final class SchemaRegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Subject not found. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** Version not found. */
    public static final int VERSION_NOT_FOUND = 40402;
    /** Schema not found. */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** Invalid schema. */
    public static final int INVALID_SCHEMA = 42201;
    /** Invalid version. */
    public static final int INVALID_VERSION = 42202;
    /** Invalid compatibility level. */
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    /** Schema incompatible with an earlier version. */
    public static final int INCOMPATIBLE = 409;
    /** Error in the backend data store. */
    public static final int STORE_ERROR = 50001;
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
