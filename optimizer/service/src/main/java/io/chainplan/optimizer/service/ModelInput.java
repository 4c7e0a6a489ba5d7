package io.chainplan.optimizer.service;

import io.chainplan.optimizer.model.ModelSpec;
import java.util.Objects;

/**
 * A model spec as read from the models topic: what the solver uses, and the token fields a plan
 * records with it in its inputs (DESIGN.md §2.3: the exact inputs), which the solver does not use.
 *
 * @param spec             L, s_m, s_c (DESIGN.md §1)
 * @param contextTokens    tokens of context that s_c is sized for
 * @param meanInputTokens  typical prompt length in tokens
 * @param meanOutputTokens typical generated length in tokens
 * @param updatedAtMillis  when the spec was written, ms since the epoch
 */
public record ModelInput(ModelSpec spec, int contextTokens, double meanInputTokens, double meanOutputTokens,
                         long updatedAtMillis) {
    /** Validates the spec. */
    public ModelInput {
        Objects.requireNonNull(spec, "spec");
    }
}
