package io.chainplan.local.loop;

import io.chainplan.stats.ConfidenceInterval;
import java.util.Arrays;
import org.apache.commons.statistics.descriptive.Quantile;

/**
 * Mean, 95% confidence half-width and percentiles of a sample in time order. The interval is by
 * batch means ({@link ConfidenceInterval#ofBatchMeans}, 10 batches of consecutive values, Student t
 * with 9 degrees of freedom), which allows for the correlation between the response times of
 * neighbouring requests; below 20 values it is the plain Student-t interval of the values. Percentiles
 * are nearest-rank (the smallest value with at least that fraction of the sample at or below it:
 * Hyndman and Fan's definition 1, {@link Quantile.EstimationMethod#HF1}).
 *
 * @param n      sample size
 * @param mean   mean, NaN if empty
 * @param ci95   half-width of the 95% interval of the mean, NaN if fewer than 2 values
 * @param median 50th percentile
 * @param p95    95th percentile
 * @param p99    99th percentile
 * @param max    maximum
 */
public record Stats(int n, double mean, double ci95, double median, double p95, double p99, double max) {
    private static final int BATCHES = 10;
    private static final Quantile NEAREST_RANK = Quantile.withDefaults().with(Quantile.EstimationMethod.HF1)
            .withCopy(true);

    /**
     * @param valuesInTimeOrder the sample, in time order
     * @return its statistics
     */
    public static Stats of(double[] valuesInTimeOrder) {
        int n = valuesInTimeOrder.length;
        if (n == 0) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        ConfidenceInterval ci = ConfidenceInterval.ofBatchMeans(valuesInTimeOrder, BATCHES,
                ConfidenceInterval.CONFIDENCE_95);
        double[] p = NEAREST_RANK.evaluate(valuesInTimeOrder, 0.5, 0.95, 0.99);
        return new Stats(n, ci.mean(), ci.halfWidth(), p[0], p[1], p[2], Arrays.stream(valuesInTimeOrder).max().orElseThrow());
    }
}
