package io.chainplan.cli;

/** A command was given input it cannot use (a bad file, a bad value): exit code 2. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, naming the field and value
     */
    public UsageException(String message) {
        super(message);
    }
}
