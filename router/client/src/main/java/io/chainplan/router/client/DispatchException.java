package io.chainplan.router.client;

import java.util.Objects;

/**
 * The dispatch service refused a request, or no instance could be reached in time: the HTTP status
 * and the {@link ErrorBody} code ({@link #UNREACHABLE} with status 0 when no answer came).
 */
public final class DispatchException extends RuntimeException {
    /** The code when no instance answered within the client's deadline. */
    public static final String UNREACHABLE = "unreachable";
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;

    /**
     * @param status  the HTTP status, 0 if none
     * @param error   the error code ({@link ErrorBody})
     * @param message the message
     * @param cause   the I/O failure, if any
     */
    public DispatchException(int status, String error, String message, Throwable cause) {
        super(error + " (" + status + "): " + message, cause);
        this.status = status;
        this.error = Objects.requireNonNull(error, "error");
    }

    /** @return the HTTP status, 0 if no instance answered */
    public int status() {
        return status;
    }

    /** @return the error code, e.g. {@link ErrorBody#QUEUE_TIMEOUT} */
    public String error() {
        return error;
    }
}
