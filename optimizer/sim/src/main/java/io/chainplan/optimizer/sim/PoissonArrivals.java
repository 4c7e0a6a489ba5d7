package io.chainplan.optimizer.sim;

import java.util.random.RandomGenerator;

/**
 * Poisson arrivals at rate {@code lambda} (the paper's simulation setting, DESIGN.md §1.3); every
 * request has the same token counts. Unlimited; the simulator stops after its request count.
 *
 * @param ratePerSecond {@code lambda}, {@code > 0}
 * @param inputTokens   {@code l_in} of every request, {@code >= 1}
 * @param outputTokens  {@code l_out} of every request, {@code >= 1}
 */
public record PoissonArrivals(double ratePerSecond, int inputTokens, int outputTokens) implements Arrivals {
    /** Validates. */
    public PoissonArrivals {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("ratePerSecond must be finite and > 0, was " + ratePerSecond);
        }
        if (inputTokens < 1 || outputTokens < 1) {
            throw new IllegalArgumentException("token counts must be >= 1, were " + inputTokens + " and " + outputTokens);
        }
    }

    /**
     * Poisson arrivals with the paper's reference tokens (2000 in, 20 out).
     *
     * @param ratePerSecond {@code lambda}
     * @return the arrivals
     */
    public static PoissonArrivals atRate(double ratePerSecond) {
        return new PoissonArrivals(ratePerSecond, TokenServiceModel.PAPER_INPUT_TOKENS,
                TokenServiceModel.PAPER_OUTPUT_TOKENS);
    }

    @Override
    public ArrivalStream open(RandomGenerator random) {
        double mean = 1.0 / ratePerSecond;
        return new ArrivalStream() {
            private double time;

            @Override
            public boolean advance() {
                time += -mean * Math.log(1.0 - random.nextDouble());
                return true;
            }

            @Override
            public double timeSeconds() {
                return time;
            }

            @Override
            public int inputTokens() {
                return inputTokens;
            }

            @Override
            public int outputTokens() {
                return outputTokens;
            }
        };
    }

    @Override
    public long size() {
        return Long.MAX_VALUE;
    }

    @Override
    public String describe() {
        return "poisson(" + ratePerSecond + "/s)";
    }
}
