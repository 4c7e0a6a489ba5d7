package io.chainplan.schemas.validate;

/**
 * What a model spec bounds in the records about the model: block ranges and hop counts (its
 * {@code L}), token counts (its context).
 *
 * @param blocks        L
 * @param contextTokens tokens of context
 */
public record ModelBounds(int blocks, int contextTokens) {
    /** Validates the fields. */
    public ModelBounds {
        if (blocks < 1 || contextTokens < 1) {
            throw new IllegalArgumentException("blocks and contextTokens must be >= 1, were " + blocks + " and "
                    + contextTokens);
        }
    }

    /**
     * @param spec a valid model spec ({@link RecordChecks#modelSpec})
     * @return its bounds
     */
    public static ModelBounds of(io.chainplan.schemas.avro.ModelSpec spec) {
        return new ModelBounds(spec.getBlocks(), spec.getContextTokens());
    }
}
