package io.chainplan.optimizer.sim;

/**
 * Summary of one latency (response, waiting or service time) over the measured requests. The mean
 * and maximum are exact; percentiles come from an HdrHistogram with microsecond resolution and three
 * significant digits.
 *
 * @param meanSeconds   mean
 * @param medianSeconds 50th percentile
 * @param p95Seconds    95th percentile
 * @param p99Seconds    99th percentile
 * @param maxSeconds    maximum
 */
public record LatencySummary(double meanSeconds, double medianSeconds, double p95Seconds, double p99Seconds,
        double maxSeconds) {
}
