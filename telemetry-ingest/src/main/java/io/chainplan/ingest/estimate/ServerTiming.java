package io.chainplan.ingest.estimate;

import java.util.Objects;

/**
 * Per-server timing state kept where the server's request hops are seen.
 *
 * @param compute     robust mean of compute seconds per block (tau_p samples)
 * @param comm        robust mean of network seconds per request (tau_c samples)
 * @param latestMillis event time of the newest sample ({@link Long#MIN_VALUE} if none)
 * @param lastEmitted what was last published ({@code atMillis == Long.MIN_VALUE}: nothing)
 */
public record ServerTiming(RobustMean compute, RobustMean comm, long latestMillis, TimingSummary lastEmitted) {
    /** Nothing seen. */
    public static final ServerTiming EMPTY = new ServerTiming(RobustMean.EMPTY, RobustMean.EMPTY, Long.MIN_VALUE,
            new TimingSummary(Double.NaN, 0, Double.NaN, 0, Long.MIN_VALUE));

    /** Validates. */
    public ServerTiming {
        Objects.requireNonNull(compute, "compute");
        Objects.requireNonNull(comm, "comm");
        Objects.requireNonNull(lastEmitted, "lastEmitted");
    }

    /** @return the current estimates */
    public TimingSummary summary() {
        return new TimingSummary(comm.mean(), comm.samples(), compute.mean(), compute.samples(), latestMillis);
    }
}
