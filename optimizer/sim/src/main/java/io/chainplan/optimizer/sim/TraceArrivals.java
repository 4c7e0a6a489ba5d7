package io.chainplan.optimizer.sim;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Replay of a recorded trace (DESIGN.md §1.3: the paper replayed the first 1000 requests of the Azure
 * 2023 code trace). Deterministic; the random generator is unused.
 *
 * @param trace the requests to replay, in order
 */
public record TraceArrivals(RequestTrace trace) implements Arrivals {
    /** Validates. */
    public TraceArrivals {
        Objects.requireNonNull(trace, "trace");
    }

    @Override
    public ArrivalStream open(RandomGenerator random) {
        return new ArrivalStream() {
            private int i = -1;

            @Override
            public boolean advance() {
                if (i + 1 >= trace.size()) {
                    return false;
                }
                i++;
                return true;
            }

            @Override
            public double timeSeconds() {
                return trace.arrivalSeconds(i);
            }

            @Override
            public int inputTokens() {
                return trace.inputTokens(i);
            }

            @Override
            public int outputTokens() {
                return trace.outputTokens(i);
            }
        };
    }

    @Override
    public long size() {
        return trace.size();
    }

    @Override
    public String describe() {
        return "trace(" + trace.size() + " requests, " + String.format(java.util.Locale.ROOT, "%.3f",
                trace.meanRatePerSecond()) + "/s)";
    }
}
