package io.chainplan.ingest.estimate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * State of a {@link RobustMeanEstimator}: a clipped (Huber-type) exponentially weighted mean and
 * scale, after a median warm-up.
 *
 * @param samples samples seen
 * @param mean    current estimate (NaN before the first sample)
 * @param scale   current scale (a robust standard deviation), {@code >= 0}
 * @param warmup  the first samples, kept until the warm-up ends (empty afterwards)
 */
public record RobustMean(long samples, double mean, double scale, List<Double> warmup) {
    /** Nothing seen. */
    public static final RobustMean EMPTY = new RobustMean(0, Double.NaN, 0, List.of());

    /** Copies and validates. */
    public RobustMean {
        warmup = warmup.isEmpty() ? List.of() : List.copyOf(warmup);
        if (samples < 0 || !(scale >= 0)) {
            throw new IllegalArgumentException("samples and scale must be >= 0, were " + samples + ", " + scale);
        }
        if (samples > 0 && Double.isNaN(mean)) {
            throw new IllegalArgumentException("mean must be a number after " + samples + " samples");
        }
    }

    /** @return whether any sample was seen */
    public boolean known() {
        return samples > 0;
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    }

    static double mad(List<Double> values, double center) {
        List<Double> dev = new ArrayList<>(values.size());
        for (double x : values) {
            dev.add(Math.abs(x - center));
        }
        return median(dev);
    }
}
