package io.chainplan.local.loop;

import java.util.Arrays;

/**
 * Mean, 95% confidence half-width and percentiles of a sample in time order. The interval is by
 * batch means (10 batches of consecutive values, Student t with 9 degrees of freedom), which allows
 * for the correlation between the response times of neighbouring requests; below 20 values it falls
 * back to the plain {@code 1.96 s / sqrt(n)}.
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
    private static final double T_975_9DF = 2.262;

    /**
     * @param valuesInTimeOrder the sample, in time order
     * @return its statistics
     */
    public static Stats of(double[] valuesInTimeOrder) {
        int n = valuesInTimeOrder.length;
        if (n == 0) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double sum = 0;
        for (double v : valuesInTimeOrder) {
            sum += v;
        }
        double mean = sum / n;
        double[] sorted = valuesInTimeOrder.clone();
        Arrays.sort(sorted);
        return new Stats(n, mean, halfWidth(valuesInTimeOrder, mean), pct(sorted, 0.5), pct(sorted, 0.95),
                pct(sorted, 0.99), sorted[n - 1]);
    }

    private static double halfWidth(double[] v, double mean) {
        int n = v.length;
        if (n < 2) {
            return Double.NaN;
        }
        if (n < 2 * BATCHES) {
            double ss = 0;
            for (double x : v) {
                ss += (x - mean) * (x - mean);
            }
            return 1.96 * Math.sqrt(ss / (n - 1) / n);
        }
        double[] means = new double[BATCHES];
        for (int b = 0; b < BATCHES; b++) {
            int from = (int) ((long) n * b / BATCHES);
            int to = (int) ((long) n * (b + 1) / BATCHES);
            double s = 0;
            for (int i = from; i < to; i++) {
                s += v[i];
            }
            means[b] = s / (to - from);
        }
        double m = Arrays.stream(means).average().orElse(0);
        double ss = 0;
        for (double x : means) {
            ss += (x - m) * (x - m);
        }
        return T_975_9DF * Math.sqrt(ss / (BATCHES - 1) / BATCHES);
    }

    private static double pct(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
