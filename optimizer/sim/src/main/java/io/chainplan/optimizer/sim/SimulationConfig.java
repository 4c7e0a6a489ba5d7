package io.chainplan.optimizer.sim;

/**
 * Settings of one simulation run.
 *
 * @param requests       requests to simulate (the run stops admitting after this many arrivals and
 *                       lets all of them finish), {@code >= 1}
 * @param warmupRequests the first requests, by arrival order, left out of the statistics, {@code >= 0}
 *                       and below {@code requests}
 * @param seed           seed of the run's generators (arrivals, service and routing use independent
 *                       streams split from it, so runs of different policies see the same arrivals)
 * @param batches        number of batch means for the confidence interval of the mean response time, {@code >= 2}
 */
public record SimulationConfig(long requests, long warmupRequests, long seed, int batches) {
    /** Default number of batches for the batch-means confidence interval. */
    public static final int DEFAULT_BATCHES = 20;

    /** Validates. */
    public SimulationConfig {
        if (requests < 1) {
            throw new IllegalArgumentException("requests must be >= 1, was " + requests);
        }
        if (warmupRequests < 0 || warmupRequests >= requests) {
            throw new IllegalArgumentException("warmupRequests must be in [0, requests), was " + warmupRequests);
        }
        if (batches < 2) {
            throw new IllegalArgumentException("batches must be >= 2, was " + batches);
        }
    }

    /**
     * A run of {@code requests} requests, the first 10% as warm-up, {@link #DEFAULT_BATCHES} batches.
     *
     * @param requests requests to simulate
     * @param seed     the seed
     * @return the config
     */
    public static SimulationConfig of(long requests, long seed) {
        return new SimulationConfig(requests, requests / 10, seed, DEFAULT_BATCHES);
    }
}
