package io.chainplan.ingest.topology;

import io.chainplan.optimizer.model.TokenMix;
import java.util.Objects;

/**
 * What the global model store keeps of a model spec: its block count L (to validate hops) and its
 * declared mean tokens (the reference request of the servers' declared timings).
 *
 * @param blocks      L, {@code >= 1}
 * @param declaredMix the spec's mean input and output tokens
 */
record ModelInfo(int blocks, TokenMix declaredMix) {
    /** Validates. */
    ModelInfo {
        Objects.requireNonNull(declaredMix, "declaredMix");
        if (blocks < 1) {
            throw new IllegalArgumentException("blocks must be >= 1, was " + blocks);
        }
    }
}
