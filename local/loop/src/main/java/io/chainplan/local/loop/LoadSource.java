package io.chainplan.local.loop;

import java.util.Optional;

/**
 * The requests arriving at the simulated router, in time order. Not thread-safe: one simulation
 * thread pulls from it.
 */
public interface LoadSource {
    /**
     * The next arrival, if there is one before the end of the run.
     *
     * @return the arrival, or empty when the source is exhausted
     */
    Optional<Arrival> next();

    /**
     * The arrival rate the source is generating at virtual time {@code t} (for Poisson the
     * configured rate; for a trace the rate over the preceding minute of the trace).
     *
     * @param timeSeconds virtual seconds since the start
     * @return requests per second
     */
    double trueRatePerSecond(double timeSeconds);

    /**
     * One line describing the source, for the console.
     *
     * @return e.g. "Poisson 4.0 req/s, x2 at 300 s"
     */
    String describe();

    /**
     * @return a source without arrivals (the fleet reporting before it takes traffic)
     */
    static LoadSource none() {
        return new LoadSource() {
            @Override
            public Optional<Arrival> next() {
                return Optional.empty();
            }

            @Override
            public double trueRatePerSecond(double timeSeconds) {
                return 0;
            }

            @Override
            public String describe() {
                return "no arrivals";
            }
        };
    }
}
