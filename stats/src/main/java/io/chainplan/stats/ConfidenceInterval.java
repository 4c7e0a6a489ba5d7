package io.chainplan.stats;

import java.util.Objects;
import org.apache.commons.statistics.descriptive.Mean;
import org.apache.commons.statistics.descriptive.Variance;
import org.apache.commons.statistics.distribution.TDistribution;

/**
 * A two-sided confidence interval for the mean of a sample: {@code mean ± halfWidth}. The one routine
 * behind every such interval in chainplan (the simulator's batch means, the experiments' replications,
 * the closed loop's response times).
 * <p>The half-width is Student's {@code t_{1-a/2, m-1} * s / sqrt(m)} over {@code m} values taken as
 * independent and identically distributed (replications with different seeds, or batch means), with
 * {@code s} their sample standard deviation and {@code a = 1 - confidence}; the t quantile comes from
 * Apache Commons Statistics ({@link TDistribution}). Correlated values in time order (response times
 * of neighbouring requests) go through {@link #ofBatchMeans} first, the method of batch means (Law,
 * "Simulation Modeling and Analysis", 5th ed., §9.5.3).
 * <p>Immutable; the factories are pure and thread-safe.
 *
 * @param mean      the sample mean, NaN for an empty sample
 * @param halfWidth half-width of the interval, {@code >= 0}; NaN when it is undefined (fewer than two
 *                  values or batches)
 */
public record ConfidenceInterval(double mean, double halfWidth) {
    /** The confidence level chainplan reports: 95%. */
    public static final double CONFIDENCE_95 = 0.95;

    /** Validates the half-width. */
    public ConfidenceInterval {
        if (halfWidth < 0) {
            throw new IllegalArgumentException("halfWidth must be >= 0 or NaN, was " + halfWidth);
        }
    }

    /**
     * The Student-t interval for the mean of independent, identically distributed values.
     *
     * @param values     the sample (not modified)
     * @param confidence confidence level in (0, 1), e.g. {@link #CONFIDENCE_95}
     * @return the interval; for one value its mean with a NaN half-width, for none both NaN
     */
    public static ConfidenceInterval ofMean(double[] values, double confidence) {
        Objects.requireNonNull(values, "values");
        requireConfidence(confidence);
        int n = values.length;
        if (n == 0) {
            return new ConfidenceInterval(Double.NaN, Double.NaN);
        }
        double mean = Mean.of(values).getAsDouble();
        if (n < 2) {
            return new ConfidenceInterval(mean, Double.NaN);
        }
        double t = TDistribution.of(n - 1).inverseCumulativeProbability(0.5 + confidence / 2);
        return new ConfidenceInterval(mean, t * Math.sqrt(Variance.of(values).getAsDouble() / n));
    }

    /**
     * The batch-means interval for the mean of a stationary but correlated sequence: the values are
     * cut into {@code batches} runs of consecutive values (sizes differing by at most one), and
     * {@link #ofMean} is applied to the run means. The mean reported is that of all values. With fewer
     * than two values per batch the values themselves are taken as independent.
     *
     * @param valuesInTimeOrder the sample, in the order it was produced (not modified)
     * @param batches           number of batches, {@code >= 2}
     * @param confidence        confidence level in (0, 1)
     * @return the interval
     */
    public static ConfidenceInterval ofBatchMeans(double[] valuesInTimeOrder, int batches, double confidence) {
        Objects.requireNonNull(valuesInTimeOrder, "valuesInTimeOrder");
        if (batches < 2) {
            throw new IllegalArgumentException("batches must be >= 2, was " + batches);
        }
        int n = valuesInTimeOrder.length;
        if (n < 2 * batches) {
            return ofMean(valuesInTimeOrder, confidence);
        }
        double[] means = new double[batches];
        for (int b = 0; b < batches; b++) {
            int from = (int) ((long) n * b / batches);
            int to = (int) ((long) n * (b + 1) / batches);
            means[b] = Mean.ofRange(valuesInTimeOrder, from, to).getAsDouble();
        }
        return new ConfidenceInterval(Mean.of(valuesInTimeOrder).getAsDouble(), ofMean(means, confidence).halfWidth());
    }

    /** @return {@code mean - halfWidth} */
    public double lower() {
        return mean - halfWidth;
    }

    /** @return {@code mean + halfWidth} */
    public double upper() {
        return mean + halfWidth;
    }

    private static void requireConfidence(double confidence) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), was " + confidence);
        }
    }
}
