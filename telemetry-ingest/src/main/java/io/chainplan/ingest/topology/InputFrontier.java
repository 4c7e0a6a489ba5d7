package io.chainplan.ingest.topology;

import io.chainplan.ingest.estimate.LivenessClock;

/**
 * The newest event time the ingest has processed from any server input (telemetry, GPU reading,
 * timing summary), across every task of one application instance (one per topology, shared by its
 * server processors), never ahead of the wall clock at processing time: the second clock of liveness
 * ({@link LivenessClock}). Only server inputs move it: they all reach the server processors through
 * the same repartition topic, while request events take a shorter path and would run ahead of them
 * after a backlog. It stops when every input stops (broker outage, stalled ingest), so such an outage
 * marks no server DOWN; it lags the wall clock while the ingest works through a backlog, so late
 * records are not mistaken for silence; and when it jumps by more than the liveness timeout (inputs
 * resuming after a stop) it remembers where, so silence is counted from there
 * ({@link LivenessClock#resumedMillis}). Thread-safe.
 */
final class InputFrontier {
    private final long stopMillis;
    private long frontier = Long.MIN_VALUE;
    private long resumed = Long.MIN_VALUE;

    /** @param stopMillis a jump of the frontier larger than this is a stop of the inputs (the liveness timeout) */
    InputFrontier(long stopMillis) {
        this.stopMillis = stopMillis;
    }

    /**
     * Records a processed input.
     *
     * @param eventMillis its event time
     * @param wallMillis  the wall clock when it was processed (the frontier never passes it)
     */
    synchronized void advance(long eventMillis, long wallMillis) {
        long t = Math.min(eventMillis, wallMillis);
        if (t <= frontier) {
            return;
        }
        if (frontier == Long.MIN_VALUE || t - frontier > stopMillis) {
            resumed = t;
        }
        frontier = t;
    }

    /**
     * @param wallMillis wall-clock now
     * @return both liveness clocks now
     */
    synchronized LivenessClock clock(long wallMillis) {
        return new LivenessClock(wallMillis, frontier, resumed);
    }
}
