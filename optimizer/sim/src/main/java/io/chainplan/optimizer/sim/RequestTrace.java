package io.chainplan.optimizer.sim;

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
}
