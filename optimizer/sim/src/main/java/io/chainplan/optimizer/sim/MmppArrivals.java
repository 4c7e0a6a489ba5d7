package io.chainplan.optimizer.sim;

import io.chainplan.optimizer.arrival.ArrivalModel;
import java.util.Locale;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Arrivals from a two-phase Markov-modulated Poisson process ({@link ArrivalModel.Mmpp2}), simulated
 * exactly: the phase starts from its stationary distribution and switches after exponential sojourns;
 * within a phase arrivals are Poisson at the phase's rate (the memoryless property lets each phase draw
 * its own arrival clock). Every request has the same token counts. Unlimited.
 *
 * @param model        the process
 * @param inputTokens  {@code l_in} of every request, {@code >= 1}
 * @param outputTokens {@code l_out} of every request, {@code >= 1}
 */
public record MmppArrivals(ArrivalModel.Mmpp2 model, int inputTokens, int outputTokens) implements Arrivals {
    /** Validates. */
    public MmppArrivals {
        Objects.requireNonNull(model, "model");
        if (inputTokens < 1 || outputTokens < 1) {
            throw new IllegalArgumentException("token counts must be >= 1, were " + inputTokens + " and " + outputTokens);
        }
    }

    /**
     * The process with the paper's reference tokens (2000 in, 20 out).
     *
     * @param model the process
     * @return the arrivals
     */
    public static MmppArrivals of(ArrivalModel.Mmpp2 model) {
        return new MmppArrivals(model, TokenServiceModel.PAPER_INPUT_TOKENS, TokenServiceModel.PAPER_OUTPUT_TOKENS);
    }

    @Override
    public ArrivalStream open(RandomGenerator random) {
        return new ArrivalStream() {
            private boolean burst = random.nextDouble() < model.burstFraction();
            private double phaseEnd = exponential(burst ? model.burstEndsPerSecond() : model.burstStartsPerSecond());
            private double time;

            @Override
            public boolean advance() {
                while (true) {
                    double rate = burst ? model.burstRatePerSecond() : model.calmRatePerSecond();
                    double next = rate > 0 ? time + exponential(rate) : Double.POSITIVE_INFINITY;
                    if (next < phaseEnd) {
                        time = next;
                        return true;
                    }
                    time = phaseEnd;
                    burst = !burst;
                    phaseEnd = time + exponential(burst ? model.burstEndsPerSecond() : model.burstStartsPerSecond());
                }
            }

            private double exponential(double rate) {
                return -Math.log(1.0 - random.nextDouble()) / rate;
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
        return String.format(Locale.ROOT, "mmpp2(%.4g/s, bursts %.1f%% at %.4g/s)", model.ratePerSecond(),
                100 * model.burstFraction(), model.burstRatePerSecond());
    }
}
