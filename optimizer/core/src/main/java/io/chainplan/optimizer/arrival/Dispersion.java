package io.chainplan.optimizer.arrival;

/**
 * The index of dispersion of counts measured at one window length: the variance over the mean of
 * the number of arrivals in consecutive windows of {@code windowSeconds} (1 for a Poisson process,
 * larger for bursty traffic).
 *
 * @param windowSeconds window length t ({@code > 0})
 * @param index         I(t) ({@code >= 0}, finite)
 * @param windows       number of windows it was measured over ({@code >= 2})
 */
public record Dispersion(double windowSeconds, double index, long windows) {
    /** Validates the fields, naming the offending one. */
    public Dispersion {
        if (!(windowSeconds > 0 && Double.isFinite(windowSeconds))) {
            throw new IllegalArgumentException("dispersion windowSeconds must be a finite number > 0, was " + windowSeconds);
        }
        if (!(index >= 0 && Double.isFinite(index))) {
            throw new IllegalArgumentException("index of dispersion at " + windowSeconds + " s must be a finite number >= 0, was "
                    + index);
        }
        if (windows < 2) {
            throw new IllegalArgumentException("index of dispersion at " + windowSeconds + " s needs at least 2 windows, had "
                    + windows);
        }
    }

    /**
     * The standard error of the index under Poisson arrivals, {@code sqrt(2 / (windows - 1))}: the
     * noise against which burstiness is judged.
     *
     * @return the standard error
     */
    public double poissonStandardError() {
        return Math.sqrt(2.0 / (windows - 1));
    }
}
