package io.chainplan.ingest.estimate;

import io.chainplan.optimizer.model.TokenMix;
import java.util.Objects;
import java.util.Optional;

/**
 * Combines a server's telemetry, GPU memory readings and measured timings into its parameters
 * for the optimizer (DESIGN.md §1): usable memory {@code M_j = total - reserve}; the per-token
 * coefficients ({@link TokenTimingsEstimator}: fitted to the hops, the declared timings as the
 * prior and the fallback); tau_c and tau_p from the fitted coefficients at the reference mix (the
 * server's recent requests' mean tokens), for a part that is not fitted the robust mean of the
 * hops once it rests on {@code minSamples} samples, otherwise the values the server declares (a
 * measured value with fewer samples is used only when nothing is declared); and liveness: DOWN when no telemetry has been seen for {@code downAfterMillis} on both
 * clocks of a {@link LivenessClock} (the wall clock and the newest event time processed, so that an
 * outage of the pipeline itself marks nobody DOWN), the reported status again on the next fresh record.
 * <p>Memory: chainplan telemetry's total wins over GPU metrics; from GPU metrics the total
 * framebuffer, else used + free (+ reserved).
 * <p>Pure, immutable and thread-safe; time is always passed in.
 */
public final class ServerEstimator {
    private final long reserveBytes;
    private final long downAfterMillis;
    private final long minSamples;
    private final EmissionRule rule;
    private final TokenTimingsEstimator tokenTimings;

    /**
     * @param reserveBytes    memory kept back from the total (CUDA context, fragmentation), {@code >= 0}
     * @param downAfterMillis silence after which a server is DOWN, {@code > 0}
     * @param minSamples      samples from which a measured timing replaces the declared one, {@code >= 1}
     * @param rule            when to publish
     * @param prior           how declared timings become the per-token prior
     */
    public ServerEstimator(long reserveBytes, long downAfterMillis, long minSamples, EmissionRule rule, TimingPrior prior) {
        if (reserveBytes < 0) {
            throw new IllegalArgumentException("reserveBytes must be >= 0, was " + reserveBytes);
        }
        if (downAfterMillis <= 0) {
            throw new IllegalArgumentException("downAfterMillis must be > 0, was " + downAfterMillis);
        }
        if (minSamples < 1) {
            throw new IllegalArgumentException("minSamples must be >= 1, was " + minSamples);
        }
        this.reserveBytes = reserveBytes;
        this.downAfterMillis = downAfterMillis;
        this.minSamples = minSamples;
        this.rule = Objects.requireNonNull(rule, "rule");
        this.tokenTimings = new TokenTimingsEstimator(minSamples, prior);
    }

    /**
     * @param s     current state
     * @param r     a telemetry record
     * @param clock wall clock and input frontier
     * @return the state after it
     */
    public ServerState onTelemetry(ServerState s, TelemetryReport r, LivenessClock clock) {
        long seen = Math.max(s.lastSeenMillis(), r.atMillis());
        String model = r.modelId().isEmpty() ? s.modelId() : r.modelId();
        ServerLiveness status = fresh(seen, clock) ? r.reported() : ServerLiveness.DOWN;
        return new ServerState(model, seen, Math.max(s.latestInputMillis(), r.atMillis()), r.totalMemoryBytes(), s.gpu(),
                r.declaredCommSeconds(), r.declaredComputeSeconds(), s.measured(), r.reported(), status, s.lastEmitted());
    }

    /**
     * @param s         current state
     * @param g         a framebuffer reading
     * @param clock     wall clock and input frontier
     * @return the state after it (a reading counts as a sign of life)
     */
    public ServerState onGpuMemory(ServerState s, GpuMemorySample g, LivenessClock clock) {
        long seen = Math.max(s.lastSeenMillis(), g.atMillis());
        ServerLiveness status = fresh(seen, clock) ? s.reported() : ServerLiveness.DOWN;
        return new ServerState(s.modelId(), seen, Math.max(s.latestInputMillis(), g.atMillis()), s.telemetryTotalBytes(),
                s.gpu().with(g), s.declaredCommSeconds(), s.declaredComputeSeconds(), s.measured(), s.reported(), status,
                s.lastEmitted());
    }

    /**
     * @param s current state
     * @param t measured timings (an older summary than the one held is ignored)
     * @return the state after it
     */
    public ServerState onTiming(ServerState s, TimingSummary t) {
        if (t.atMillis() < s.measured().atMillis()) {
            return s;
        }
        return new ServerState(s.modelId(), s.lastSeenMillis(), Math.max(s.latestInputMillis(), t.atMillis()),
                s.telemetryTotalBytes(), s.gpu(), s.declaredCommSeconds(), s.declaredComputeSeconds(), t, s.reported(),
                s.status(), s.lastEmitted());
    }

    /**
     * @param s         current state
     * @param clock     wall clock and input frontier
     * @return the state, DOWN if it has been silent for longer than the timeout on both clocks
     */
    public ServerState checkLiveness(ServerState s, LivenessClock clock) {
        if (s.status() == ServerLiveness.DOWN || fresh(s.lastSeenMillis(), clock)) {
            return s;
        }
        return new ServerState(s.modelId(), s.lastSeenMillis(), s.latestInputMillis(), s.telemetryTotalBytes(), s.gpu(),
                s.declaredCommSeconds(), s.declaredComputeSeconds(), s.measured(), s.reported(), ServerLiveness.DOWN,
                s.lastEmitted());
    }

    private boolean fresh(long seenMillis, LivenessClock clock) {
        return !clock.silentLongerThan(seenMillis, downAfterMillis);
    }

    /**
     * @param s           current state
     * @param declaredMix the declared mean tokens of the server's model (the prior's reference request)
     * @return the estimate, if memory and both timings are known
     */
    public Optional<ServerEstimateValue> estimate(ServerState s, TokenMix declaredMix) {
        long total = s.totalMemoryBytes();
        TimingSummary m = s.measured();
        TokenTimingEstimate tt = tokenTimings.estimate(m.computeFit(), m.commFit(), s.declaredCommSeconds(),
                s.declaredComputeSeconds(), declaredMix);
        double comm = tt.commFitted() ? tt.commSeconds() : pick(m.commSeconds(), m.commSamples(), s.declaredCommSeconds());
        double compute = tt.computeFitted() ? tt.perBlockSeconds()
                : pick(m.computeSeconds(), m.computeSamples(), s.declaredComputeSeconds());
        if (total < 0 || Double.isNaN(comm) || Double.isNaN(compute)) {
            return Optional.empty();
        }
        long commSamples = tt.commFitted() ? tt.commSamples()
                : usesMeasured(m.commSamples(), s.declaredCommSeconds()) ? m.commSamples() : 0;
        long computeSamples = tt.computeFitted() ? tt.computeSamples()
                : usesMeasured(m.computeSamples(), s.declaredComputeSeconds()) ? m.computeSamples() : 0;
        return Optional.of(new ServerEstimateValue(s.modelId(), s.latestInputMillis(), Math.max(0, total - reserveBytes),
                comm, compute, commSamples, computeSamples, s.status(), s.lastSeenMillis(), tt));
    }

    private double pick(double measured, long samples, double declared) {
        return usesMeasured(samples, declared) ? measured : declared;
    }

    private boolean usesMeasured(long samples, double declared) {
        return samples >= minSamples || (samples > 0 && Double.isNaN(declared));
    }

    /**
     * @param s a state
     * @param e its estimate
     * @return whether to publish: first estimate, status, memory, model or sample source changed,
     *         the per-token coefficients appeared, went or changed between fitted and declared, a
     *         timing (tau at the reference mix) moved materially, or the heartbeat is due
     */
    public boolean shouldEmit(ServerState s, ServerEstimateValue e) {
        ServerEstimateValue last = s.lastEmitted();
        if (last.atMillis() == Long.MIN_VALUE || last.status() != e.status() || last.memoryBytes() != e.memoryBytes()
                || !last.modelId().equals(e.modelId())) {
            return true;
        }
        if ((last.commSamples() == 0) != (e.commSamples() == 0) || (last.computeSamples() == 0) != (e.computeSamples() == 0)) {
            return true;
        }
        TokenTimingEstimate lt = last.tokenTimings();
        TokenTimingEstimate et = e.tokenTimings();
        if (lt.present() != et.present() || lt.computeFitted() != et.computeFitted() || lt.commFitted() != et.commFitted()) {
            return true;
        }
        return rule.heartbeatDue(last.atMillis(), e.atMillis())
                || rule.moved(last.commSeconds(), e.commSeconds(), 1e-6)
                || rule.moved(last.computeSeconds(), e.computeSeconds(), 1e-6);
    }

    /**
     * @param s a state
     * @param e the estimate just published
     * @return the state remembering it
     */
    public ServerState emitted(ServerState s, ServerEstimateValue e) {
        return new ServerState(s.modelId(), s.lastSeenMillis(), s.latestInputMillis(), s.telemetryTotalBytes(), s.gpu(),
                s.declaredCommSeconds(), s.declaredComputeSeconds(), s.measured(), s.reported(), s.status(), e);
    }
}
