package io.chainplan.cli.format;

import java.util.Optional;

/**
 * A fleet or plan file that cannot be used: carries the field and, when the problem is inside a
 * server entry, the server's id (or its position when the id itself is the problem).
 */
public final class FleetFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String server;

    /**
     * @param field the JSON field, e.g. {@code memoryBytes} or {@code model.blocks}
     * @param server the server id or {@code servers[3]}, or null when not inside a server
     * @param message the full message
     */
    public FleetFileException(String field, String server, String message) {
        super(message);
        this.field = field;
        this.server = server;
    }

    /** @return the offending field */
    public String field() {
        return field;
    }

    /** @return the server the field belongs to, if any */
    public Optional<String> server() {
        return Optional.ofNullable(server);
    }
}
