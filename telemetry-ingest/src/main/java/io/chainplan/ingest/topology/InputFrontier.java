package io.chainplan.ingest.topology;

import io.chainplan.ingest.estimate.LivenessClock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The newest event time the ingest has processed from any valid request event or server input, across
 * every task of one application instance (one per topology, shared by its processors), never ahead of
 * the wall clock at processing time: the second clock of liveness ({@link LivenessClock}). It stops when
 * every input stops (broker outage, stalled ingest), so such an outage marks no server DOWN; it lags the
 * wall clock while the ingest works through a backlog, so late records are not mistaken for silence.
 * Thread-safe.
 */
final class InputFrontier {
    private final AtomicLong frontier = new AtomicLong(Long.MIN_VALUE);

    /**
     * Records a processed input.
     *
     * @param eventMillis its event time
     * @param wallMillis  the wall clock when it was processed (the frontier never passes it)
     */
    void advance(long eventMillis, long wallMillis) {
        long t = Math.min(eventMillis, wallMillis);
        frontier.accumulateAndGet(t, Math::max);
    }

    /**
     * @param wallMillis wall-clock now
     * @return both liveness clocks now
     */
    LivenessClock clock(long wallMillis) {
        return new LivenessClock(wallMillis, frontier.get());
    }
}
