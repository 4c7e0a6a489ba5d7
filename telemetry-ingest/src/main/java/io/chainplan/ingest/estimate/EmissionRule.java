package io.chainplan.ingest.estimate;

/**
 * When an estimate is worth publishing: when a value moved by more than a relative threshold
 * since the last published one, or when a heartbeat interval of event time has passed, so that
 * compacted estimate topics stay fresh without repeating every step.
 *
 * @param relativeChange  publish when a value moves by more than this fraction (default 0.05)
 * @param heartbeatMillis publish at least this often, event time (default 60 s)
 */
public record EmissionRule(double relativeChange, long heartbeatMillis) {
    /** Validates. */
    public EmissionRule {
        if (!(relativeChange >= 0) || Double.isInfinite(relativeChange)) {
            throw new IllegalArgumentException("relativeChange must be finite and >= 0, was " + relativeChange);
        }
        if (heartbeatMillis <= 0) {
            throw new IllegalArgumentException("heartbeatMillis must be > 0, was " + heartbeatMillis);
        }
    }

    /** @return 5% relative change, 60 s heartbeat */
    public static EmissionRule defaults() {
        return new EmissionRule(0.05, 60_000);
    }

    /**
     * @param previous      last published value
     * @param current       new value
     * @param absoluteFloor changes smaller than this never count (guards values near 0)
     * @return whether the value moved materially
     */
    public boolean moved(double previous, double current, double absoluteFloor) {
        if (Double.isNaN(previous) != Double.isNaN(current)) {
            return true;
        }
        double diff = Math.abs(current - previous);
        return diff > absoluteFloor && diff > relativeChange * Math.abs(previous);
    }

    /**
     * @param lastMillis time of the last publication
     * @param nowMillis  current time (same clock)
     * @return whether the heartbeat is due
     */
    public boolean heartbeatDue(long lastMillis, long nowMillis) {
        return nowMillis - lastMillis >= heartbeatMillis;
    }

    /**
     * The demand rule: first estimate, a change point, a heartbeat, or a material move of the
     * rate (floor: one arrival per window) or of a token mean (floor: one token).
     *
     * @param last          what was last published
     * @param e             the new estimate
     * @param windowSeconds W, for the rate floor
     * @return whether to publish {@code e}
     */
    public boolean shouldEmitDemand(EmittedDemand last, DemandEstimateValue e, double windowSeconds) {
        if (!last.exists() || e.changePoint() || heartbeatDue(last.atMillis(), e.atMillis())) {
            return true;
        }
        return moved(last.ratePerSecond(), e.ratePerSecond(), 1.0 / windowSeconds)
                || moved(last.meanInputTokens(), e.meanInputTokens(), 1.0)
                || moved(last.meanOutputTokens(), e.meanOutputTokens(), 1.0);
    }
}
