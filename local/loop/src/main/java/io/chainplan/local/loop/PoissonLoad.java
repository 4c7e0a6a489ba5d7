package io.chainplan.local.loop;

import java.util.Locale;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Poisson arrivals at a rate that is multiplied by {@code shiftFactor} from {@code shiftAtSeconds} on
 * (the {@code shift} scenario doubles it half way), and whose generated lengths are multiplied by
 * {@code outputFactor} from then on (the {@code mix} scenario makes them ten times as long). Token counts
 * are uniform around the model's typical lengths, in {@code [0.75, 1.25] x} the mean (so the means are the
 * model's, and the per-request service-time spread stays moderate, as in a fleet serving one kind of request).
 * <p>Deterministic for a given generator seed.
 */
public final class PoissonLoad implements LoadSource {
    private final double ratePerSecond;
    private final double shiftAtSeconds;
    private final double shiftFactor;
    private final double outputFactor;
    private final double endSeconds;
    private final SimModel model;
    private final RandomGenerator random;
    private double t;

    /**
     * A source whose arrivals start at time 0.
     *
     * @param ratePerSecond  base rate, {@code > 0}
     * @param shiftAtSeconds virtual time the rate changes, or +infinity for none
     * @param shiftFactor    factor applied from then on, {@code > 0}
     * @param endSeconds     no arrivals at or after this virtual time
     * @param model          the model (token means)
     * @param random         randomness, owned by this source
     */
    public PoissonLoad(double ratePerSecond, double shiftAtSeconds, double shiftFactor, double endSeconds,
            SimModel model, RandomGenerator random) {
        this(0, ratePerSecond, shiftAtSeconds, shiftFactor, endSeconds, model, random);
    }

    /**
     * @param startSeconds   arrivals start after this virtual time
     * @param ratePerSecond  base rate, {@code > 0}
     * @param shiftAtSeconds virtual time the rate changes, or +infinity for none
     * @param shiftFactor    factor applied from then on, {@code > 0}
     * @param endSeconds     no arrivals at or after this virtual time
     * @param model          the model (token means)
     * @param random         randomness, owned by this source
     */
    public PoissonLoad(double startSeconds, double ratePerSecond, double shiftAtSeconds, double shiftFactor,
            double endSeconds, SimModel model, RandomGenerator random) {
        this(startSeconds, ratePerSecond, shiftAtSeconds, shiftFactor, 1, endSeconds, model, random);
    }

    /**
     * @param startSeconds   arrivals start after this virtual time
     * @param ratePerSecond  base rate, {@code > 0}
     * @param shiftAtSeconds virtual time the load changes, or +infinity for none
     * @param shiftFactor    factor applied to the rate from then on, {@code > 0}
     * @param outputFactor   factor applied to the mean generated length from then on, {@code > 0}
     * @param endSeconds     no arrivals at or after this virtual time
     * @param model          the model (token means)
     * @param random         randomness, owned by this source
     */
    public PoissonLoad(double startSeconds, double ratePerSecond, double shiftAtSeconds, double shiftFactor,
            double outputFactor, double endSeconds, SimModel model, RandomGenerator random) {
        if (!(outputFactor > 0) || Double.isInfinite(outputFactor)) {
            throw new IllegalArgumentException("outputFactor must be finite and > 0, was " + outputFactor);
        }
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("ratePerSecond must be finite and > 0, was " + ratePerSecond);
        }
        if (!(shiftFactor > 0)) {
            throw new IllegalArgumentException("shiftFactor must be > 0, was " + shiftFactor);
        }
        this.ratePerSecond = ratePerSecond;
        this.shiftAtSeconds = shiftAtSeconds;
        this.shiftFactor = shiftFactor;
        this.outputFactor = outputFactor;
        this.endSeconds = endSeconds;
        this.model = model;
        this.random = random;
        this.t = startSeconds;
    }

    @Override
    public Optional<Arrival> next() {
        double next = t + exponential(trueRatePerSecond(t));
        if (t < shiftAtSeconds && next >= shiftAtSeconds) {
            // memoryless: restart the draw at the change point with the new rate
            next = shiftAtSeconds + exponential(trueRatePerSecond(shiftAtSeconds));
        }
        if (next >= endSeconds) {
            t = endSeconds;
            return Optional.empty();
        }
        t = next;
        int in = (int) Math.round(model.meanInputTokens() * (0.75 + 0.5 * random.nextDouble()));
        int out = (int) Math.round(meanOutputTokens(t) * (0.75 + 0.5 * random.nextDouble()));
        return Optional.of(new Arrival(t, Math.max(1, in), Math.max(1, out)));
    }

    private double exponential(double rate) {
        return -Math.log(1.0 - random.nextDouble()) / rate;
    }

    /**
     * @param timeSeconds virtual seconds since the start
     * @return the mean generated length of the requests arriving then, tokens
     */
    public double meanOutputTokens(double timeSeconds) {
        return timeSeconds >= shiftAtSeconds ? model.meanOutputTokens() * outputFactor : model.meanOutputTokens();
    }

    @Override
    public double trueRatePerSecond(double timeSeconds) {
        return timeSeconds >= shiftAtSeconds ? ratePerSecond * shiftFactor : ratePerSecond;
    }

    @Override
    public String describe() {
        String base = String.format(Locale.ROOT, "Poisson %.2f req/s", ratePerSecond);
        if (!Double.isFinite(shiftAtSeconds)) {
            return base;
        }
        if (outputFactor != 1) {
            base += String.format(Locale.ROOT, ", %.0f -> %.0f generated tokens per request at t=%.0f s",
                    model.meanOutputTokens(), model.meanOutputTokens() * outputFactor, shiftAtSeconds);
        }
        return shiftFactor != 1 ? base + String.format(Locale.ROOT, ", x%.1f at t=%.0f s", shiftFactor, shiftAtSeconds)
                : base;
    }
}
