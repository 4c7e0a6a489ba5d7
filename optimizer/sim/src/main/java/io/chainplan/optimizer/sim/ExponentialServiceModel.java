package io.chainplan.optimizer.sim;

import io.chainplan.optimizer.model.Chain;
import java.util.random.RandomGenerator;

/**
 * The paper's analytic service model (arXiv 2604.14993, §4, the model behind Theorem 4): service on
 * a chain is exponential with mean {@code T_k}, whatever the request's tokens. Immutable.
 */
public final class ExponentialServiceModel implements ServiceModel {
    /** Creates the model. */
    public ExponentialServiceModel() {
        // stateless
    }

    @Override
    public double serviceSeconds(Chain chain, int inputTokens, int outputTokens, RandomGenerator random) {
        return -chain.serviceSeconds() * Math.log(1.0 - random.nextDouble());
    }

    @Override
    public String name() {
        return "exponential";
    }
}
