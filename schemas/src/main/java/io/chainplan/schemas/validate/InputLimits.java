package io.chainplan.schemas.validate;

import java.util.Optional;

/**
 * The plausibility limits of every number a fleet sends (docs/file-formats.md, "Plausibility
 * limits"), and the checks that apply them. A value outside a limit is not a fleet anyone runs: it
 * is a broken exporter, a unit error or an attack, and the record carrying it is rejected with the
 * message these checks return (the same text in every service). Where the model gives a limit, it is
 * used: block ranges and hop counts within its {@code L} blocks, token counts within its context.
 * <ul>
 *   <li>memory: at most {@link #MAX_MEMORY_BYTES} (16 TiB) per server, and a model's block and one
 *       request's cache of it must fit there;</li>
 *   <li>times (communication, compute, waits, windows): finite, at most {@link #MAX_SECONDS} (a day);</li>
 *   <li>blocks: {@code 1 <= L <=} {@link #MAX_BLOCKS};</li>
 *   <li>tokens: a model's context is {@code 1 ..} {@link #MAX_CONTEXT_TOKENS} tokens;</li>
 *   <li>arrival rates: finite, at most {@link #MAX_ARRIVAL_RATE_PER_SECOND}.</li>
 * </ul>
 * Each check returns the problem, naming the field and the value, or empty. Pure and thread-safe.
 */
public final class InputLimits {
    /** Largest memory of one server (a GPU or MIG slice), bytes: 16 TiB, ten times the largest GPU node. */
    public static final long MAX_MEMORY_BYTES = 1L << 44;
    /** Longest time any measurement or declaration may state, seconds: a day. */
    public static final double MAX_SECONDS = 86_400;
    /** Most blocks of a model: eight times the layers of the largest open models (GCA's work grows with L squared). */
    public static final int MAX_BLOCKS = 1024;
    /** Longest context of a model, tokens (2^24, above the longest context windows offered). */
    public static final int MAX_CONTEXT_TOKENS = 1 << 24;
    /** Highest arrival rate of one model, requests per second. */
    public static final double MAX_ARRIVAL_RATE_PER_SECOND = 1_000_000;

    private InputLimits() {
    }

    /**
     * @param name  field name, with its owner ("totalMemoryBytes of server s1")
     * @param bytes the value
     * @param min   smallest allowed value
     * @return a problem unless {@code min <= bytes <= } {@link #MAX_MEMORY_BYTES}
     */
    public static Optional<String> memoryBytes(String name, long bytes, long min) {
        return bytes >= min && bytes <= MAX_MEMORY_BYTES ? Optional.empty()
                : Optional.of(name + " must be in [" + min + ", " + MAX_MEMORY_BYTES + "] (16 TiB), was " + bytes);
    }

    /**
     * @param name    field name, with its owner
     * @param seconds the value
     * @return a problem unless it is finite and in {@code [0, MAX_SECONDS]}
     */
    public static Optional<String> seconds(String name, double seconds) {
        return seconds >= 0 && seconds <= MAX_SECONDS ? Optional.empty()
                : Optional.of(name + " must be a finite number in [0, " + (long) MAX_SECONDS + "] seconds, was " + seconds);
    }

    /**
     * @param name    field name, with its owner
     * @param seconds the value
     * @return a problem unless it is finite and in {@code (0, MAX_SECONDS]}
     */
    public static Optional<String> positiveSeconds(String name, double seconds) {
        return seconds > 0 && seconds <= MAX_SECONDS ? Optional.empty()
                : Optional.of(name + " must be a finite number in (0, " + (long) MAX_SECONDS + "] seconds, was " + seconds);
    }

    /**
     * @param name  field name, with its owner
     * @param value the value
     * @return a problem unless it is finite and {@code >= 0}
     */
    public static Optional<String> nonNegative(String name, double value) {
        return Double.isFinite(value) && value >= 0 ? Optional.empty()
                : Optional.of(name + " must be a finite number >= 0, was " + value);
    }

    /**
     * @param name  field name, with its owner
     * @param value the value
     * @return a problem unless it is {@code >= 0}
     */
    public static Optional<String> nonNegative(String name, long value) {
        return value >= 0 ? Optional.empty() : Optional.of(name + " must be >= 0, was " + value);
    }

    /**
     * @param name          field name, with its owner
     * @param ratePerSecond the value
     * @return a problem unless it is finite and in {@code [0, MAX_ARRIVAL_RATE_PER_SECOND]}
     */
    public static Optional<String> arrivalRate(String name, double ratePerSecond) {
        return ratePerSecond >= 0 && ratePerSecond <= MAX_ARRIVAL_RATE_PER_SECOND ? Optional.empty()
                : Optional.of(name + " must be a finite number in [0, " + (long) MAX_ARRIVAL_RATE_PER_SECOND
                        + "] requests per second, was " + ratePerSecond);
    }

    /**
     * @param name   field name, with its owner
     * @param blocks the value
     * @return a problem unless {@code 1 <= blocks <=} {@link #MAX_BLOCKS}
     */
    public static Optional<String> blocks(String name, long blocks) {
        return blocks >= 1 && blocks <= MAX_BLOCKS ? Optional.empty()
                : Optional.of(name + " must be in [1, " + MAX_BLOCKS + "], was " + blocks);
    }

    /**
     * @param name          field name, with its owner
     * @param tokens        the value
     * @param contextTokens the model's context
     * @return a problem unless it is finite and in {@code [0, contextTokens]}
     */
    public static Optional<String> tokens(String name, double tokens, int contextTokens) {
        return tokens >= 0 && tokens <= contextTokens ? Optional.empty()
                : Optional.of(name + " must be in [0, " + contextTokens + "] (the model's contextTokens), was " + tokens);
    }

    /**
     * @param name          field name, with its owner
     * @param contextTokens the value
     * @return a problem unless {@code 1 <= contextTokens <=} {@link #MAX_CONTEXT_TOKENS}
     */
    public static Optional<String> contextTokens(String name, long contextTokens) {
        return contextTokens >= 1 && contextTokens <= MAX_CONTEXT_TOKENS ? Optional.empty()
                : Optional.of(name + " must be in [1, " + MAX_CONTEXT_TOKENS + "], was " + contextTokens);
    }

    /**
     * @param name        field name, with its owner
     * @param eventMillis an event time, ms since the epoch
     * @return a problem if it is negative
     */
    public static Optional<String> epochMillis(String name, long eventMillis) {
        return eventMillis >= 0 ? Optional.empty() : Optional.of(name + " must be >= 0, was " + eventMillis);
    }

    /**
     * @param eventMillis         an event time
     * @param nowMillis           wall clock
     * @param maxFutureSkewMillis tolerance for clocks ahead of this one
     * @return a problem if the time is negative or too far in the future
     */
    public static Optional<String> eventTime(long eventMillis, long nowMillis, long maxFutureSkewMillis) {
        if (eventMillis < 0) {
            return Optional.of("timestampMillis must be >= 0, was " + eventMillis);
        }
        if (eventMillis - nowMillis > maxFutureSkewMillis) {
            return Optional.of("timestampMillis " + eventMillis + " is " + (eventMillis - nowMillis)
                    + " ms in the future (max " + maxFutureSkewMillis + " ms)");
        }
        return Optional.empty();
    }

    /**
     * A server's timings against a model it serves: one request through the server on all of the
     * model's blocks, {@code tau_c + tau_p * L}, must take at most {@link #MAX_SECONDS}. (Each timing
     * alone is checked with the record; this needs the model.)
     *
     * @param serverId               the server
     * @param commSeconds            tau_c
     * @param perBlockComputeSeconds tau_p
     * @param modelId                the model
     * @param blocks                 its L
     * @return a problem if the request would take longer
     */
    public static Optional<String> serverForModel(String serverId, double commSeconds, double perBlockComputeSeconds,
                                                  String modelId, int blocks) {
        double seconds = commSeconds + perBlockComputeSeconds * blocks;
        return seconds <= MAX_SECONDS ? Optional.empty()
                : Optional.of("server " + serverId + " would take " + seconds + " s for one request on the " + blocks
                        + " blocks of model " + modelId + " (commSeconds " + commSeconds + " + perBlockComputeSeconds "
                        + perBlockComputeSeconds + " * " + blocks + "), more than " + (long) MAX_SECONDS + " s");
    }

    /**
     * @param name  field name, with its owner
     * @param value a text
     * @return a problem if it is null or blank
     */
    public static Optional<String> nonBlank(String name, String value) {
        return value == null || value.isBlank() ? Optional.of(name + " must not be empty") : Optional.empty();
    }
}
