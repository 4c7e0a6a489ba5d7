package io.chainplan.optimizer.service;

import io.chainplan.optimizer.model.ModelSpec;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A model spec as read from the models topic: what the solver uses, and the token fields a plan
 * records with it in its inputs (DESIGN.md §2.3: the exact inputs), which the solver does not use.
 *
 * @param spec             L, s_m, s_c (DESIGN.md §1)
 * @param contextTokens    tokens of context that s_c is sized for
 * @param meanInputTokens  typical prompt length in tokens
 * @param meanOutputTokens typical generated length in tokens
 * @param updatedAtMillis  when the spec was written, ms since the epoch
 * @param declaredRatePerSecond the mean arrival rate the operator declared, &gt; 0, if any: the rate of the model's
 *                         first plan before any demand estimate (issue 16 item 2)
 */
public record ModelInput(ModelSpec spec, int contextTokens, double meanInputTokens, double meanOutputTokens,
                         long updatedAtMillis, OptionalDouble declaredRatePerSecond) {
    /** Validates the spec. */
    public ModelInput {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(declaredRatePerSecond, "declaredRatePerSecond");
    }

    /**
     * A spec without a declared rate.
     *
     * @param spec             L, s_m, s_c
     * @param contextTokens    tokens of context that s_c is sized for
     * @param meanInputTokens  typical prompt length in tokens
     * @param meanOutputTokens typical generated length in tokens
     * @param updatedAtMillis  when the spec was written, ms since the epoch
     */
    public ModelInput(ModelSpec spec, int contextTokens, double meanInputTokens, double meanOutputTokens,
            long updatedAtMillis) {
        this(spec, contextTokens, meanInputTokens, meanOutputTokens, updatedAtMillis, OptionalDouble.empty());
    }
}
