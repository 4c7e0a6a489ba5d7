package io.chainplan.optimizer.sim;

import java.util.random.RandomGenerator;

/**
 * Token-driven, deterministic service times for trace replays (DESIGN.md §1.3). Per block on server
 * {@code j}: {@code tau_p = t_o + l_in * F / f_j + (l_out - 1) * s_m / b_j}; communication is one
 * round trip per generated token, {@code tau_c = l_out * r_j}.
 * <p>The fleet gives {@code tau_p[j]} and {@code tau_c[j]} for a reference request
 * ({@code l_in_ref}, {@code l_out_ref}), not the GPU's {@code f_j} and {@code b_j}. They are recovered
 * by assuming the prefill share {@code kappa} of {@code tau_p - t_o} in the reference request (the paper's
 * high-performance server: {@code 2000 * 5 GFLOP / 120 TFLOPS = 83.3 ms} of {@code 108 ms}, so
 * {@code kappa = 0.772}): then {@code l_in F / f_j = kappa (tau_p[j] - t_o) l_in / l_in_ref} and
 * {@code (l_out - 1) s_m / b_j = (1 - kappa)(tau_p[j] - t_o)(l_out - 1)/(l_out_ref - 1)}, and
 * {@code r_j = tau_c[j] / l_out_ref}. For the reference request the service time is exactly {@code T_k}.
 * <p>Immutable; ignores the random generator.
 */
public final class TokenServiceModel implements ServiceModel {
    /** {@code t_o} of the paper's BLOOM setting: 1 ms. */
    public static final double PAPER_OVERHEAD_SECONDS = 0.001;
    /** Reference input tokens of the paper's setting. */
    public static final int PAPER_INPUT_TOKENS = 2000;
    /** Reference output tokens of the paper's setting. */
    public static final int PAPER_OUTPUT_TOKENS = 20;
    /** Prefill share of the paper's high-performance server, {@code (2000*5e9/120e12) / 0.108}. */
    public static final double PAPER_PREFILL_SHARE = (2000 * 5e9 / 120e12) / (0.109 - 0.001);

    private final double overheadSeconds;
    private final int referenceInputTokens;
    private final int referenceOutputTokens;
    private final double prefillShare;

    /**
     * Creates the model.
     *
     * @param overheadSeconds       {@code t_o}, per block, {@code >= 0}
     * @param referenceInputTokens  {@code l_in_ref} the fleet's timings were measured for, {@code >= 1}
     * @param referenceOutputTokens {@code l_out_ref}, {@code >= 2}
     * @param prefillShare          {@code kappa} in {@code [0, 1]}
     */
    public TokenServiceModel(double overheadSeconds, int referenceInputTokens, int referenceOutputTokens,
            double prefillShare) {
        if (!(overheadSeconds >= 0) || Double.isInfinite(overheadSeconds)) {
            throw new IllegalArgumentException("overheadSeconds must be finite and >= 0, was " + overheadSeconds);
        }
        if (referenceInputTokens < 1) {
            throw new IllegalArgumentException("referenceInputTokens must be >= 1, was " + referenceInputTokens);
        }
        if (referenceOutputTokens < 2) {
            throw new IllegalArgumentException("referenceOutputTokens must be >= 2, was " + referenceOutputTokens);
        }
        if (!(prefillShare >= 0 && prefillShare <= 1)) {
            throw new IllegalArgumentException("prefillShare must be in [0, 1], was " + prefillShare);
        }
        this.overheadSeconds = overheadSeconds;
        this.referenceInputTokens = referenceInputTokens;
        this.referenceOutputTokens = referenceOutputTokens;
        this.prefillShare = prefillShare;
    }

    /**
     * The model with the paper's BLOOM-176B constants (DESIGN.md §1.3).
     *
     * @return the model
     */
    public static TokenServiceModel paperDefaults() {
        return new TokenServiceModel(PAPER_OVERHEAD_SECONDS, PAPER_INPUT_TOKENS, PAPER_OUTPUT_TOKENS, PAPER_PREFILL_SHARE);
    }

    @Override
    public double serviceSeconds(SimRoute route, int inputTokens, int outputTokens, RandomGenerator random) {
        if (route.hops().isEmpty()) {
            throw new IllegalArgumentException("token-driven service needs the route's hops; route has none");
        }
        double scale = prefillShare * inputTokens / referenceInputTokens
                + (1 - prefillShare) * Math.max(0, outputTokens - 1) / (referenceOutputTokens - 1);
        double comm = (double) Math.max(1, outputTokens) / referenceOutputTokens;
        double total = 0;
        for (SimHop hop : route.hops()) {
            double perBlock = overheadSeconds + Math.max(0, hop.perBlockComputeSeconds() - overheadSeconds) * scale;
            total += hop.commSeconds() * comm + perBlock * hop.blocks();
        }
        return Math.max(total, Double.MIN_NORMAL);
    }

    @Override
    public String name() {
        return "tokens";
    }
}
