package io.chainplan.optimizer.experiment;

/** Means and 95% confidence half-widths over independent replications (seeds). */
final class Stats {
    private static final double[] T975 = {Double.NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262,
        2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086};

    private Stats() {
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    /** Student-t 95% half-width of the mean of {@code x} ({@code x.length >= 2}). */
    static double ci95(double[] x) {
        double m = mean(x);
        double ss = 0;
        for (double v : x) {
            ss += (v - m) * (v - m);
        }
        int df = x.length - 1;
        double t = df < T975.length ? T975[df] : 1.96;
        return t * Math.sqrt(ss / df / x.length);
    }
}
