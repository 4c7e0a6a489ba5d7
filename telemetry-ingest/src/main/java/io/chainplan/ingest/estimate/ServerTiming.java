package io.chainplan.ingest.estimate;

import java.util.Objects;

/**
 * Per-server timing state kept where the server's request hops are seen.
 *
 * @param compute     robust mean of compute seconds per block (tau_p samples)
 * @param comm        robust mean of network seconds per request (tau_c samples)
 * @param computeFit  per-token fit of compute seconds per block (hops of requests with both token counts)
 * @param commFit     per-token fit of network seconds per hop (hops of requests with output tokens)
 * @param latestMillis event time of the newest sample ({@link Long#MIN_VALUE} if none)
 * @param lastEmitted what was last published ({@code atMillis == Long.MIN_VALUE}: nothing)
 */
public record ServerTiming(RobustMean compute, RobustMean comm, TokenFit computeFit, TokenFit commFit, long latestMillis,
                           TimingSummary lastEmitted) {
    /** Nothing seen. */
    public static final ServerTiming EMPTY = new ServerTiming(RobustMean.EMPTY, RobustMean.EMPTY, TokenFit.empty(3),
            TokenFit.empty(2), Long.MIN_VALUE, TimingSummary.withoutFits(Double.NaN, 0, Double.NaN, 0, Long.MIN_VALUE));

    /** Validates. */
    public ServerTiming {
        Objects.requireNonNull(compute, "compute");
        Objects.requireNonNull(comm, "comm");
        Objects.requireNonNull(computeFit, "computeFit");
        Objects.requireNonNull(commFit, "commFit");
        Objects.requireNonNull(lastEmitted, "lastEmitted");
    }

    /** @return the current estimates */
    public TimingSummary summary() {
        return new TimingSummary(comm.mean(), comm.samples(), compute.mean(), compute.samples(), latestMillis, computeFit,
                commFit);
    }
}
