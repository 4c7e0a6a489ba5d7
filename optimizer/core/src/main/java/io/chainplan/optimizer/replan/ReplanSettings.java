package io.chainplan.optimizer.replan;

/**
 * Thresholds of the re-planning policy (issue 7, items 2 and 3). Durations are milliseconds.
 *
 * @param minIntervalMillis          debounce: no two plans of a model closer than this, &gt;= 0
 * @param maxAgeMillis               re-solve a plan older than this, &gt; 0
 * @param serverRelativeThreshold    a server's M_j, tau_c or tau_p moved by more than this
 *                                   fraction of the planned value triggers, &gt; 0
 * @param rateRelativeThreshold      lambda moved by more than this fraction of the planned rate
 *                                   (and the 95% interval excludes the planned rate) triggers, &gt; 0
 * @param moveGainThreshold          move blocks only if the full re-placement's lower bound is
 *                                   smaller than the kept placement's by more than this fraction,
 *                                   in [0, 1)
 * @param burstRelativeThreshold     the fitted arrival process's index of dispersion at 60 s moved by more
 *                                   than this fraction of the plan's (or the process kind changed) triggers,
 *                                   &gt; 0
 * @param mixRelativeThreshold       the measured mean prompt or generated tokens per request moved by more than
 *                                   this fraction of the plan's mix triggers, &gt; 0
 * @param fleetSettleMillis          a model's first plan made from its spec's declared rate (no demand estimate
 *                                   yet) waits until its set of up servers has not changed for this long, so that
 *                                   it covers the fleet as it reports one server at a time; at least the servers'
 *                                   telemetry interval, &gt;= 0 (issue 16 item 2)
 */
public record ReplanSettings(
        long minIntervalMillis,
        long maxAgeMillis,
        double serverRelativeThreshold,
        double rateRelativeThreshold,
        double moveGainThreshold,
        double burstRelativeThreshold,
        double mixRelativeThreshold,
        long fleetSettleMillis) {

    /** Default of {@link #fleetSettleMillis()}: two telemetry intervals of 5 s. */
    public static final long DEFAULT_FLEET_SETTLE_MILLIS = 10_000;

    /**
     * Defaults: 30 s debounce, 1 h max age, 10% server and 20% rate thresholds, 5% gain to move, 50% burstiness
     * and 25% token-mix thresholds, 10 s for the fleet to settle before a first plan from a declared rate.
     */
    public static final ReplanSettings DEFAULTS = new ReplanSettings(30_000, 3_600_000, 0.10, 0.20, 0.05, 0.5, 0.25,
            DEFAULT_FLEET_SETTLE_MILLIS);

    /** Validates the fields. */
    public ReplanSettings {
        if (minIntervalMillis < 0) {
            throw new IllegalArgumentException("minIntervalMillis must be >= 0, was " + minIntervalMillis);
        }
        if (maxAgeMillis <= 0) {
            throw new IllegalArgumentException("maxAgeMillis must be > 0, was " + maxAgeMillis);
        }
        requirePositive("serverRelativeThreshold", serverRelativeThreshold);
        requirePositive("rateRelativeThreshold", rateRelativeThreshold);
        if (!(moveGainThreshold >= 0 && moveGainThreshold < 1)) {
            throw new IllegalArgumentException("moveGainThreshold must be in [0, 1), was " + moveGainThreshold);
        }
        requirePositive("burstRelativeThreshold", burstRelativeThreshold);
        requirePositive("mixRelativeThreshold", mixRelativeThreshold);
        if (fleetSettleMillis < 0) {
            throw new IllegalArgumentException("fleetSettleMillis must be >= 0, was " + fleetSettleMillis);
        }
    }

    /**
     * The settings with the default fleet settle time.
     *
     * @param minIntervalMillis       debounce
     * @param maxAgeMillis            maximum plan age
     * @param serverRelativeThreshold server threshold
     * @param rateRelativeThreshold   rate threshold
     * @param moveGainThreshold       move threshold
     * @param burstRelativeThreshold  burstiness threshold
     * @param mixRelativeThreshold    token-mix threshold
     */
    public ReplanSettings(long minIntervalMillis, long maxAgeMillis, double serverRelativeThreshold,
            double rateRelativeThreshold, double moveGainThreshold, double burstRelativeThreshold,
            double mixRelativeThreshold) {
        this(minIntervalMillis, maxAgeMillis, serverRelativeThreshold, rateRelativeThreshold, moveGainThreshold,
                burstRelativeThreshold, mixRelativeThreshold, DEFAULT_FLEET_SETTLE_MILLIS);
    }

    /**
     * The settings with the default token-mix threshold.
     *
     * @param minIntervalMillis       debounce
     * @param maxAgeMillis            maximum plan age
     * @param serverRelativeThreshold server threshold
     * @param rateRelativeThreshold   rate threshold
     * @param moveGainThreshold       move threshold
     * @param burstRelativeThreshold  burstiness threshold
     */
    public ReplanSettings(long minIntervalMillis, long maxAgeMillis, double serverRelativeThreshold,
            double rateRelativeThreshold, double moveGainThreshold, double burstRelativeThreshold) {
        this(minIntervalMillis, maxAgeMillis, serverRelativeThreshold, rateRelativeThreshold, moveGainThreshold,
                burstRelativeThreshold, 0.25);
    }

    /**
     * The settings with the default burstiness and token-mix thresholds.
     *
     * @param minIntervalMillis       debounce
     * @param maxAgeMillis            maximum plan age
     * @param serverRelativeThreshold server threshold
     * @param rateRelativeThreshold   rate threshold
     * @param moveGainThreshold       move threshold
     */
    public ReplanSettings(long minIntervalMillis, long maxAgeMillis, double serverRelativeThreshold,
            double rateRelativeThreshold, double moveGainThreshold) {
        this(minIntervalMillis, maxAgeMillis, serverRelativeThreshold, rateRelativeThreshold, moveGainThreshold, 0.5);
    }

    private static void requirePositive(String name, double value) {
        if (!(Double.isFinite(value) && value > 0)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, was " + value);
        }
    }
}
