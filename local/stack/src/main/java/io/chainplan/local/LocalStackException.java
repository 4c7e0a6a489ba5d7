package io.chainplan.local;

/**
 * The local stack could not start: a port is in use, the data directory is not writable, or the
 * broker failed. The message is one line meant for the operator.
 */
public final class LocalStackException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message one-line reason, naming the port or directory
     */
    public LocalStackException(String message) {
        super(message);
    }

    /**
     * @param message one-line reason
     * @param cause   underlying failure
     */
    public LocalStackException(String message, Throwable cause) {
        super(message, cause);
    }
}
