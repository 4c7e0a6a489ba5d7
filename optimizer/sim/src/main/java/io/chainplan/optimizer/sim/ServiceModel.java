package io.chainplan.optimizer.sim;

import io.chainplan.optimizer.model.Chain;
import java.util.random.RandomGenerator;

/**
 * How long one request takes on a chain once it has started (DESIGN.md §1.1, §1.3).
 * Implementations are immutable; randomness comes in as an argument.
 */
public interface ServiceModel {
    /**
     * Samples a service time.
     *
     * @param chain        the chain the request runs on
     * @param inputTokens  the request's input tokens ({@code l_in})
     * @param outputTokens the request's output tokens ({@code l_out})
     * @param random       the simulator's service-time generator
     * @return seconds, {@code > 0}
     */
    double serviceSeconds(Chain chain, int inputTokens, int outputTokens, RandomGenerator random);

    /**
     * Short name for reports, e.g. {@code "exponential"}.
     *
     * @return the name
     */
    String name();
}
