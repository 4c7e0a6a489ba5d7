package io.chainplan.ingest.estimate;

/**
 * The two clocks liveness is judged by: the wall clock, and the input frontier, the newest event time
 * the ingest has processed from any input (never ahead of the wall clock). A server is DOWN only when it
 * has been silent for the timeout on both: silent while the wall clock ran (it is not just a slow
 * reporter), and silent while other inputs kept arriving (the silence is the server's, not the
 * pipeline's). When every input stops at once (a broker outage, a stalled or starved ingest), the
 * frontier stops too, and nobody is marked DOWN for it. When the inputs resume after such a stop (the
 * frontier jumped by more than the timeout), the silence on the frontier is counted from where they
 * resumed: the first report processed after a broker outage does not make every other server, whose
 * reports are just behind it, look silent for the whole outage.
 *
 * @param wallMillis     wall-clock now, ms since the epoch
 * @param frontierMillis newest event time processed, ms since the epoch ({@code <= wallMillis} in practice)
 * @param resumedMillis  frontier value at which the inputs last resumed after a stop longer than the
 *                       timeout ({@link Long#MIN_VALUE}: never stopped)
 */
public record LivenessClock(long wallMillis, long frontierMillis, long resumedMillis) {
    /**
     * A clock whose inputs never stopped.
     *
     * @param wallMillis     wall-clock now
     * @param frontierMillis newest event time processed
     */
    public LivenessClock(long wallMillis, long frontierMillis) {
        this(wallMillis, frontierMillis, Long.MIN_VALUE);
    }

    /**
     * Both clocks at {@code nowMillis}: the ingest has processed everything up to now.
     *
     * @param nowMillis wall-clock now
     * @return the clock
     */
    public static LivenessClock caughtUp(long nowMillis) {
        return new LivenessClock(nowMillis, nowMillis);
    }

    /**
     * @param seenMillis     a server's last sign of life ({@link Long#MIN_VALUE}: never)
     * @param timeoutMillis  the liveness timeout
     * @return whether the server has been silent for longer than the timeout on both clocks (on the
     *         frontier, since the inputs last resumed)
     */
    public boolean silentLongerThan(long seenMillis, long timeoutMillis) {
        return seenMillis == Long.MIN_VALUE
                || (wallMillis - seenMillis > timeoutMillis
                        && frontierMillis - Math.max(seenMillis, resumedMillis) > timeoutMillis);
    }
}
