package io.chainplan.optimizer.sim;

/** Receives progress of a simulation run (for progress bars); called on the simulating thread. */
@FunctionalInterface
public interface ProgressListener {
    /** Ignores progress. */
    ProgressListener NONE = (done, total) -> { };

    /**
     * Progress so far.
     *
     * @param completedRequests requests that have departed
     * @param totalRequests     requests the run will simulate
     */
    void onProgress(long completedRequests, long totalRequests);
}
