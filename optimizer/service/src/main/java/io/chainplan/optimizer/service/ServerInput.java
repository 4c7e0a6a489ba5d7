package io.chainplan.optimizer.service;

import io.chainplan.optimizer.model.Server;
import java.util.Objects;
import java.util.Optional;

/**
 * A server estimate as read from the server-estimates topic: the server's parameters, whether it
 * is up, and the model it serves.
 *
 * @param server  M_j, tau_c, tau_p
 * @param up      whether its status is {@code UP} ({@code DRAINING} and {@code DOWN} servers get no blocks)
 * @param modelId the model it serves; empty if the estimate names none
 */
public record ServerInput(Server server, boolean up, String modelId) {
    /** Validates the fields. */
    public ServerInput {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(modelId, "modelId");
    }

    /** @return the model it serves, if the estimate names one */
    public Optional<String> model() {
        return modelId.isEmpty() ? Optional.empty() : Optional.of(modelId);
    }
}
