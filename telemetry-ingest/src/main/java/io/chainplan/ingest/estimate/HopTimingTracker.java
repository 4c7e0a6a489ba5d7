package io.chainplan.ingest.estimate;

import java.util.Objects;
import java.util.Optional;

/**
 * Learns a server's timings from completed requests' per-hop timings: a hop that processed
 * {@code m = end - start} blocks in {@code computeSeconds} gives the tau_p sample
 * {@code computeSeconds / m} (DESIGN.md §1); its {@code networkSeconds} is a tau_c sample.
 * <ul>
 *   <li>Every hop feeds a {@link RobustMeanEstimator} of each (the measured tau_p and tau_c of the
 *       recent requests, whatever their tokens).</li>
 *   <li>A hop of a request with token counts also feeds the per-token fits ({@link TokenRegression}):
 *       tau_p on {@code (1, l_in, l_out - 1)} when both counts are known, tau_c on
 *       {@code (1, l_out - 1)} when the output count is (the paper's cost model, §1.3). A count of 0
 *       means "not reported" (the events' default); such hops are left out of the fits
 *       ({@link #fitsCompute}, {@link #fitsComm}), and the caller counts them.</li>
 * </ul>
 * Summaries are published when they move materially, when a sample count first reaches the
 * minimum that makes it trusted, or at a heartbeat.
 * <p>Pure, immutable and thread-safe.
 */
public final class HopTimingTracker {
    private final RobustMeanEstimator estimator;
    private final TokenRegression regression;
    private final EmissionRule rule;
    private final long minSamples;

    /**
     * @param estimator  the robust mean used for both values
     * @param regression the per-token fit used for both values
     * @param rule       when to publish
     * @param minSamples samples from which measured values replace declared ones downstream
     */
    public HopTimingTracker(RobustMeanEstimator estimator, TokenRegression regression, EmissionRule rule, long minSamples) {
        this.estimator = Objects.requireNonNull(estimator, "estimator");
        this.regression = Objects.requireNonNull(regression, "regression");
        this.rule = Objects.requireNonNull(rule, "rule");
        if (minSamples < 1) {
            throw new IllegalArgumentException("minSamples must be >= 1, was " + minSamples);
        }
        this.minSamples = minSamples;
    }

    /**
     * @param inputTokens  the request's prompt tokens, 0 if not reported
     * @param outputTokens the request's generated tokens, 0 if not reported
     * @return whether its hops feed the compute fit
     */
    public static boolean fitsCompute(int inputTokens, int outputTokens) {
        return inputTokens > 0 && outputTokens > 0;
    }

    /**
     * @param outputTokens the request's generated tokens, 0 if not reported
     * @return whether its hops feed the communication fit
     */
    public static boolean fitsComm(int outputTokens) {
        return outputTokens > 0;
    }

    /**
     * @param state          current state
     * @param blocks         blocks the hop processed, {@code >= 1}
     * @param computeSeconds compute time of the hop, {@code >= 0}
     * @param networkSeconds network time of the hop, {@code >= 0}
     * @param inputTokens    the request's prompt tokens, {@code >= 0} (0: not reported)
     * @param outputTokens   the request's generated tokens, {@code >= 0} (0: not reported)
     * @param atMillis       event time of the request's completion
     * @return the state after the hop
     */
    public ServerTiming add(ServerTiming state, int blocks, double computeSeconds, double networkSeconds, int inputTokens,
                            int outputTokens, long atMillis) {
        if (blocks < 1) {
            throw new IllegalArgumentException("blocks must be >= 1, was " + blocks);
        }
        requireSeconds(computeSeconds, "computeSeconds");
        requireSeconds(networkSeconds, "networkSeconds");
        if (inputTokens < 0 || outputTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0, were " + inputTokens + " and " + outputTokens);
        }
        double perBlock = computeSeconds / blocks;
        TokenFit computeFit = state.computeFit();
        TokenFit commFit = state.commFit();
        if (fitsCompute(inputTokens, outputTokens)) {
            computeFit = regression.add(computeFit, inputTokens, outputTokens - 1, perBlock);
        }
        if (fitsComm(outputTokens)) {
            commFit = regression.add(commFit, outputTokens - 1, 0, networkSeconds);
        }
        return new ServerTiming(estimator.add(state.compute(), perBlock), estimator.add(state.comm(), networkSeconds),
                computeFit, commFit, Math.max(state.latestMillis(), atMillis), state.lastEmitted());
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
                || rule.moved(last.computeSeconds(), compute.mean(), 1e-6)
                || fitDue(last.computeFit(), state.computeFit()) || fitDue(last.commFit(), state.commFit());
        return due ? Optional.of(state.summary()) : Optional.empty();
    }

    /** A fit is due when it first has the minimum of samples, or its value at the recent mix moved. */
    private boolean fitDue(TokenFit last, TokenFit now) {
        return crossed(last.samples(), now.samples())
                || now.samples() >= minSamples && rule.moved(last.meanResponse(), now.meanResponse(), 1e-6);
    }

    /**
     * @param state     current state
     * @param published the summary just published
     * @return the state remembering it
     */
    public ServerTiming emitted(ServerTiming state, TimingSummary published) {
        return new ServerTiming(state.compute(), state.comm(), state.computeFit(), state.commFit(), state.latestMillis(),
                published);
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
