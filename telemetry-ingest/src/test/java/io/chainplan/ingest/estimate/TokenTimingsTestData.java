package io.chainplan.ingest.estimate;

import io.chainplan.optimizer.model.TokenTimings;
import java.util.SplittableRandom;

/** Synthetic hops of a server with known per-token coefficients, for the fit's tests. */
final class TokenTimingsTestData {
    /** The paper's high-performance server: t_o 1 ms, t_in = F / f, t_out = s_m / b; 20 ms per round trip. */
    static final TokenTimings TRUE = new TokenTimings(0.001, 5e9 / 120e12, 1.32e9 / 1.02e12, 0.02, 0.02);

    private final SplittableRandom random;
    private final double noiseCv;
    private final double outlierShare;
    private final int maxInputTokens;
    private final int maxOutputTokens;

    TokenTimingsTestData(long seed, double noiseCv, double outlierShare, int maxInputTokens, int maxOutputTokens) {
        this.random = new SplittableRandom(seed);
        this.noiseCv = noiseCv;
        this.outlierShare = outlierShare;
        this.maxInputTokens = maxInputTokens;
        this.maxOutputTokens = maxOutputTokens;
    }

    /** One hop: tokens, compute seconds per block and network seconds. */
    record Hop(int inputTokens, int outputTokens, double perBlockSeconds, double networkSeconds) {
    }

    Hop next(TokenTimings truth) {
        int in = 1 + random.nextInt(maxInputTokens);
        int out = 1 + random.nextInt(maxOutputTokens);
        double compute = truth.perBlockSeconds(in, out) * noise();
        double network = truth.commSeconds(out) * noise();
        if (random.nextDouble() < outlierShare) {
            compute *= 30; // a straggler
        }
        if (random.nextDouble() < outlierShare) {
            network += 5; // a retransmission storm
        }
        return new Hop(in, out, compute, network);
    }

    private double noise() {
        return Math.max(0, 1 + noiseCv * random.nextGaussian());
    }

    /** Feeds n hops into both fits. */
    static TokenFit[] fit(TokenRegression regression, TokenTimingsTestData data, TokenTimings truth, int n, TokenFit[] start) {
        TokenFit compute = start[0];
        TokenFit comm = start[1];
        for (int i = 0; i < n; i++) {
            Hop h = data.next(truth);
            compute = regression.add(compute, new double[] {1, h.inputTokens(), h.outputTokens() - 1}, h.perBlockSeconds());
            comm = regression.add(comm, new double[] {1, h.outputTokens() - 1}, h.networkSeconds());
        }
        return new TokenFit[] {compute, comm};
    }

    static TokenFit[] empty() {
        return new TokenFit[] {TokenFit.empty(3), TokenFit.empty(2)};
    }
}
