package io.chainplan.optimizer.sim;

import io.chainplan.optimizer.arrival.Burstiness;
import java.util.Arrays;

/**
 * A recorded sequence of requests: arrival offsets in seconds from the first request (non-decreasing)
 * and token counts. Parsed from files outside the pure core (io.chainplan.optimizer.trace).
 */
public final class RequestTrace {
    private final double[] arrivalSeconds;
    private final int[] inputTokens;
    private final int[] outputTokens;

    /**
     * Creates a trace; the arrays are copied.
     *
     * @param arrivalSeconds offsets, non-decreasing, first {@code >= 0}
     * @param inputTokens    input tokens per request, {@code >= 0}
     * @param outputTokens   output tokens per request, {@code >= 0}
     */
    public RequestTrace(double[] arrivalSeconds, int[] inputTokens, int[] outputTokens) {
        if (arrivalSeconds.length != inputTokens.length || arrivalSeconds.length != outputTokens.length) {
            throw new IllegalArgumentException("trace columns differ in length: " + arrivalSeconds.length + ", "
                    + inputTokens.length + ", " + outputTokens.length);
        }
        for (int i = 0; i < arrivalSeconds.length; i++) {
            if (!(arrivalSeconds[i] >= (i == 0 ? 0 : arrivalSeconds[i - 1])) || Double.isInfinite(arrivalSeconds[i])) {
                throw new IllegalArgumentException("arrivalSeconds must be finite, >= 0 and non-decreasing; request " + i
                        + " at " + arrivalSeconds[i]);
            }
            if (inputTokens[i] < 0 || outputTokens[i] < 0) {
                throw new IllegalArgumentException("token counts must be >= 0; request " + i);
            }
        }
        this.arrivalSeconds = arrivalSeconds.clone();
        this.inputTokens = inputTokens.clone();
        this.outputTokens = outputTokens.clone();
    }

    /**
     * Number of requests.
     *
     * @return the size
     */
    public int size() {
        return arrivalSeconds.length;
    }

    /**
     * Arrival offset of request {@code i}.
     *
     * @param i index
     * @return seconds from the first request
     */
    public double arrivalSeconds(int i) {
        return arrivalSeconds[i];
    }

    /**
     * Input tokens of request {@code i}.
     *
     * @param i index
     * @return tokens
     */
    public int inputTokens(int i) {
        return inputTokens[i];
    }

    /**
     * Output tokens of request {@code i}.
     *
     * @param i index
     * @return tokens
     */
    public int outputTokens(int i) {
        return outputTokens[i];
    }

    /**
     * The first {@code n} requests.
     *
     * @param n how many, {@code >= 0}
     * @return a trace of at most {@code n} requests
     */
    public RequestTrace first(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, was " + n);
        }
        int m = Math.min(n, size());
        return new RequestTrace(Arrays.copyOf(arrivalSeconds, m), Arrays.copyOf(inputTokens, m),
                Arrays.copyOf(outputTokens, m));
    }

    /**
     * Mean arrival rate: {@code (n - 1) / (last - first)}.
     *
     * @return requests per second, 0 for fewer than two requests or zero span
     */
    public double meanRatePerSecond() {
        int n = size();
        if (n < 2 || arrivalSeconds[n - 1] <= arrivalSeconds[0]) {
            return 0;
        }
        return (n - 1) / (arrivalSeconds[n - 1] - arrivalSeconds[0]);
    }

    /**
     * The same requests with time stretched or compressed so the mean rate is {@code ratePerSecond}
     * (burstiness is kept).
     *
     * @param ratePerSecond target mean rate, {@code > 0}
     * @return the rescaled trace
     */
    public RequestTrace rescaledTo(double ratePerSecond) {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("ratePerSecond must be finite and > 0, was " + ratePerSecond);
        }
        double current = meanRatePerSecond();
        if (current == 0) {
            throw new IllegalArgumentException("cannot rescale a trace with fewer than two distinct arrival times");
        }
        double factor = current / ratePerSecond;
        double[] t = new double[size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = arrivalSeconds[i] * factor;
        }
        return new RequestTrace(t, inputTokens, outputTokens);
    }

    /**
     * The arrival times, seconds.
     *
     * @return a copy
     */
    public double[] arrivalTimes() {
        return arrivalSeconds.clone();
    }

    /**
     * The trace started at request {@code k} and wrapped around: requests {@code k..n-1}, then
     * {@code 0..k-1} shifted to follow them (one mean inter-arrival time after the last), all from time 0.
     * Replications of one trace with the same burst structure and different starting points.
     *
     * @param k the first request, in {@code [0, size())}
     * @return the rotated trace
     */
    public RequestTrace rotated(int k) {
        int n = size();
        if (k < 0 || k >= Math.max(1, n)) {
            throw new IllegalArgumentException("k must be in [0, " + n + "), was " + k);
        }
        double rate = meanRatePerSecond();
        double gap = rate > 0 ? 1 / rate : 0;
        double wrap = arrivalSeconds[n - 1] - arrivalSeconds[0] + gap;
        double[] t = new double[n];
        int[] in = new int[n];
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int j = (k + i) % n;
            t[i] = arrivalSeconds[j] - arrivalSeconds[k] + (j < k ? wrap : 0);
            in[i] = inputTokens[j];
            out[i] = outputTokens[j];
        }
        return new RequestTrace(t, in, out);
    }

    /**
     * The burstiness of the trace replayed at a mean rate: the index of dispersion at the standard
     * windows ({@link Burstiness#WINDOWS_SECONDS}), measured on the rate-scaled time axis.
     *
     * @param ratePerSecond the replay's mean rate ({@code > 0})
     * @return the measurements, ready for {@link io.chainplan.optimizer.arrival.Mmpp2Fit}
     */
    public Burstiness burstiness(double ratePerSecond) {
        return Burstiness.ofArrivalTimes(arrivalSeconds, ratePerSecond, Burstiness.WINDOWS_SECONDS);
    }
}
