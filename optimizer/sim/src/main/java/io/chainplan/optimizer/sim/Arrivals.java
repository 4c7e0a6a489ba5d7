package io.chainplan.optimizer.sim;

import java.util.random.RandomGenerator;

/** An arrival process: an immutable description that opens a fresh stream per simulation run. */
public interface Arrivals {
    /**
     * Opens the stream of arrivals.
     *
     * @param random the simulator's arrival generator (unused by trace replays)
     * @return a new stream positioned before the first request
     */
    ArrivalStream open(RandomGenerator random);

    /**
     * Number of requests the stream yields at most, or {@link Long#MAX_VALUE} if unlimited.
     *
     * @return the count
     */
    long size();

    /**
     * Short description for reports, e.g. {@code "poisson(0.2/s)"}.
     *
     * @return the description
     */
    String describe();

    /** A stream of requests in time order; mutable, single-threaded. */
    interface ArrivalStream {
        /**
         * Moves to the next request.
         *
         * @return false if there is none
         */
        boolean advance();

        /**
         * Arrival time of the current request, seconds from the start; non-decreasing.
         *
         * @return seconds
         */
        double timeSeconds();

        /**
         * Input tokens of the current request.
         *
         * @return {@code l_in}
         */
        int inputTokens();

        /**
         * Output tokens of the current request.
         *
         * @return {@code l_out}
         */
        int outputTokens();
    }
}
