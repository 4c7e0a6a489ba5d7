package io.chainplan.optimizer.sim;

import java.util.random.RandomGenerator;

/** Multiplicative noise of simulated timings: log-normal with mean 1. */
public final class Noise {
    private Noise() {
    }

    /**
     * A log-normal factor with mean 1 and coefficient of variation {@code cv}.
     *
     * @param random the generator
     * @param cv     coefficient of variation, {@code >= 0} (0: exactly 1)
     * @return the factor
     */
    public static double lognormal(RandomGenerator random, double cv) {
        if (cv <= 0) {
            return 1;
        }
        double sigma2 = Math.log(1 + cv * cv);
        return Math.exp(Math.sqrt(sigma2) * random.nextGaussian() - sigma2 / 2);
    }
}
