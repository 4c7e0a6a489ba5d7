package io.chainplan.ingest.topology;

import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.schemas.validate.ModelBounds;
import java.util.Objects;

/**
 * What the global model store keeps of a model spec: its block count L and context (to validate
 * hops and token counts) and its declared mean tokens (the reference request of the servers'
 * declared timings).
 *
 * @param bounds      L and the context in tokens
 * @param declaredMix the spec's mean input and output tokens
 */
record ModelInfo(ModelBounds bounds, TokenMix declaredMix) {
    /** Validates. */
    ModelInfo {
        Objects.requireNonNull(bounds, "bounds");
        Objects.requireNonNull(declaredMix, "declaredMix");
    }
}
