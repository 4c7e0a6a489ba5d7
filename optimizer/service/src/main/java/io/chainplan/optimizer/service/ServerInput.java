package io.chainplan.optimizer.service;

import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.optimizer.model.TokenTimings;
import java.util.Objects;
import java.util.Optional;

/**
 * A server estimate as read from the server-estimates topic: the server's parameters, whether it
 * is up, the model it serves, and its per-token coefficients.
 *
 * @param server       M_j, tau_c, tau_p (per request, at the estimate's reference mix)
 * @param up           whether its status is {@code UP} ({@code DRAINING} and {@code DOWN} servers get no blocks)
 * @param modelId      the model it serves; empty if the estimate names none
 * @param tokenTimings its per-token coefficients, if the estimate carries them
 * @param fittedAt     the mix they were fitted to (the estimate's reference tokens); {@link TokenMix#UNKNOWN}
 *                     without coefficients
 */
public record ServerInput(Server server, boolean up, String modelId, Optional<TokenTimings> tokenTimings,
        TokenMix fittedAt) {
    /** Validates the fields. */
    public ServerInput {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(tokenTimings, "tokenTimings");
        Objects.requireNonNull(fittedAt, "fittedAt");
    }

    /**
     * An estimate without per-token coefficients.
     *
     * @param server  M_j, tau_c, tau_p
     * @param up      whether it is up
     * @param modelId the model it serves, or empty
     */
    public ServerInput(Server server, boolean up, String modelId) {
        this(server, up, modelId, Optional.empty(), TokenMix.UNKNOWN);
    }

    /** @return the model it serves, if the estimate names one */
    public Optional<String> model() {
        return modelId.isEmpty() ? Optional.empty() : Optional.of(modelId);
    }
}
