package io.chainplan.ingest.estimate;

import io.chainplan.optimizer.model.TokenTimings;

/**
 * How a server's declared timings become a prior for its per-token coefficients
 * ({@link TokenTimingsEstimator}): the declared {@code tau_c}, {@code tau_p} hold for a request of the
 * model's declared mean tokens, and are split into coefficients as {@link TokenTimings#fromReference}
 * does, with the overhead {@code t_o} and the prefill share {@code kappa} given here.
 *
 * @param samples              weight of the prior: each coefficient's share of the declared timing
 *                             counts as this many hop samples ({@code > 0}, default 0.1: enough to
 *                             decide the directions the hops do not determine, little against the
 *                             fit's ~25 samples of weight where they do; with weight 1 a server whose
 *                             declared tau_c was 2.5 times too low still read 3% low after 30 hops)
 * @param blockOverheadSeconds t_o, seconds per block per request ({@code >= 0}, default the paper's 1 ms)
 * @param prefillShare         kappa: share of {@code tau_p - t_o} that prefill takes in the reference
 *                             request ({@code [0, 1]}, default the paper's high-performance server:
 *                             {@code (2000 * 5 GFLOP / 120 TFLOPS) / (0.109 - 0.001) s}, about 0.772)
 */
public record TimingPrior(double samples, double blockOverheadSeconds, double prefillShare) {
    /** The paper's prefill share (DESIGN.md §1.3), as the simulator's token model uses it. */
    public static final double PAPER_PREFILL_SHARE = (2000 * 5e9 / 120e12) / (0.109 - 0.001);

    /** Validates. */
    public TimingPrior {
        if (!(samples > 0) || Double.isInfinite(samples)) {
            throw new IllegalArgumentException("prior samples must be finite and > 0, was " + samples);
        }
        if (!(blockOverheadSeconds >= 0) || Double.isInfinite(blockOverheadSeconds)) {
            throw new IllegalArgumentException("blockOverheadSeconds must be finite and >= 0, was " + blockOverheadSeconds);
        }
        if (!(prefillShare >= 0 && prefillShare <= 1)) {
            throw new IllegalArgumentException("prefillShare must be in [0, 1], was " + prefillShare);
        }
    }

    /** @return 0.1 sample, t_o = 1 ms, the paper's prefill share */
    public static TimingPrior defaults() {
        return new TimingPrior(0.1, 0.001, PAPER_PREFILL_SHARE);
    }
}
