package io.chainplan.local.loop;

/**
 * A request the simulated fleet finished, as the summary and the report need it. Times are virtual
 * seconds since the start of the run.
 *
 * @param arrivalSeconds  when it arrived
 * @param responseSeconds arrival to completion
 * @param waitSeconds     time queued before its (last) service started
 * @param epochAtArrival  epoch of the plan in force when it arrived, -1 if none
 * @param servedEpoch     epoch of the plan whose chain served it
 * @param chainIndex      chain index in that plan
 * @param attempts        1, or more if it was retried after a server failure
 */
public record Completion(double arrivalSeconds, double responseSeconds, double waitSeconds, long epochAtArrival,
        long servedEpoch, int chainIndex, int attempts) {

    /**
     * @return completion time, seconds since the start
     */
    public double completedSeconds() {
        return arrivalSeconds + responseSeconds;
    }
}
