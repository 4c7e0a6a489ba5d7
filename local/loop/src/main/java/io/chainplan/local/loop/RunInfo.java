package io.chainplan.local.loop;

import java.util.Optional;

/**
 * The settings of a run, as the summary reports them.
 *
 * @param scenario         the scenario
 * @param wallSeconds      wall-clock length of the run
 * @param heldBackSeconds  wall seconds of it the virtual clock ran at wall speed (no plan yet, or the router lagging)
 * @param virtualSeconds   simulated length of the run (its arrivals)
 * @param drainSeconds     simulated seconds after the last arrival until the requests still in flight had completed
 *                         (or the drain's limit of another run length)
 * @param speedup          virtual seconds per wall second
 * @param loadDescription  e.g. "Poisson 3.00 req/s, x2.0 at t=300 s"
 * @param fleetDescription e.g. "llama-2-7b on 9 servers"
 * @param changeAtSeconds  virtual time of the scenario's change (shift or failure), +infinity for steady
 * @param failedServer     the server the failure scenario takes down
 */
public record RunInfo(Scenario scenario, double wallSeconds, double heldBackSeconds, double virtualSeconds, double drainSeconds,
        double speedup,
        String loadDescription, String fleetDescription, double changeAtSeconds, Optional<String> failedServer) {
}
