package io.chainplan.ingest.estimate;

import java.util.Objects;
import java.util.Optional;

/**
 * Learns a server's tau_p (compute seconds per block, DESIGN.md §1) and tau_c (communication
 * seconds per request) from completed requests' per-hop timings: a hop that processed
 * {@code m = end - start} blocks in {@code computeSeconds} gives the tau_p sample
 * {@code computeSeconds / m}; its {@code networkSeconds} is a tau_c sample. Both go through a
 * {@link RobustMeanEstimator}, so stragglers and clock glitches do not drag the estimate.
 * Summaries are published when they move materially, when the sample count first reaches the
 * minimum that makes them trusted, or at a heartbeat.
 * <p>Pure, immutable and thread-safe.
 */
public final class HopTimingTracker {
    private final RobustMeanEstimator estimator;
    private final EmissionRule rule;
    private final long minSamples;

    /**
     * @param estimator  the robust mean used for both values
     * @param rule       when to publish
     * @param minSamples samples from which measured values replace declared ones downstream
     */
    public HopTimingTracker(RobustMeanEstimator estimator, EmissionRule rule, long minSamples) {
        this.estimator = Objects.requireNonNull(estimator, "estimator");
        this.rule = Objects.requireNonNull(rule, "rule");
        if (minSamples < 1) {
            throw new IllegalArgumentException("minSamples must be >= 1, was " + minSamples);
        }
        this.minSamples = minSamples;
    }

    /**
     * @param state          current state
     * @param blocks         blocks the hop processed, {@code >= 1}
     * @param computeSeconds compute time of the hop, {@code >= 0}
     * @param networkSeconds network time of the hop, {@code >= 0}
     * @param atMillis       event time of the request's completion
     * @return the state after the hop
     */
    public ServerTiming add(ServerTiming state, int blocks, double computeSeconds, double networkSeconds, long atMillis) {
        if (blocks < 1) {
            throw new IllegalArgumentException("blocks must be >= 1, was " + blocks);
        }
        requireSeconds(computeSeconds, "computeSeconds");
        requireSeconds(networkSeconds, "networkSeconds");
        return new ServerTiming(estimator.add(state.compute(), computeSeconds / blocks),
                estimator.add(state.comm(), networkSeconds), Math.max(state.latestMillis(), atMillis), state.lastEmitted());
    }

    /**
     * @param state current state
     * @return the summary to publish now, if any (then record it with {@link #emitted})
     */
    public Optional<TimingSummary> toEmit(ServerTiming state) {
        RobustMean comm = state.comm();
        RobustMean compute = state.compute();
        TimingSummary last = state.lastEmitted();
        if (comm.samples() == 0 && compute.samples() == 0) {
            return Optional.empty();
        }
        // Decided on the state's own fields: the summary is built only when it is due (once per hop otherwise).
        boolean due = last.atMillis() == Long.MIN_VALUE
                || rule.heartbeatDue(last.atMillis(), state.latestMillis())
                || crossed(last.commSamples(), comm.samples()) || crossed(last.computeSamples(), compute.samples())
                || rule.moved(last.commSeconds(), comm.mean(), 1e-6)
                || rule.moved(last.computeSeconds(), compute.mean(), 1e-6);
        return due ? Optional.of(state.summary()) : Optional.empty();
    }

    /**
     * @param state     current state
     * @param published the summary just published
     * @return the state remembering it
     */
    public ServerTiming emitted(ServerTiming state, TimingSummary published) {
        return new ServerTiming(state.compute(), state.comm(), state.latestMillis(), published);
    }

    private boolean crossed(long before, long after) {
        return before < minSamples && after >= minSamples;
    }

    private static void requireSeconds(double s, String name) {
        if (!(s >= 0) || Double.isInfinite(s)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, was " + s);
        }
    }
}
