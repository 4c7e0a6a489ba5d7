package io.chainplan.optimizer.sim;

import java.util.List;

/**
 * Outcome of one simulation run.
 *
 * @param routing              name of the routing model (policy)
 * @param serviceModel         name of the service model
 * @param arrivals             description of the arrivals
 * @param seed                 the run's seed
 * @param simulatedRequests    requests simulated (including warm-up)
 * @param measuredRequests     requests in the statistics (after the warm-up cut)
 * @param durationSeconds      simulated time from the first measured arrival to the last departure
 * @param responseTime         response time (arrival to departure)
 * @param waitingTime          waiting time (arrival to start of service)
 * @param serviceTime          service time (start of service to departure)
 * @param responseMeanCi95     half-width of the 95% confidence interval of the mean response time
 *                             (batch means over measured requests in arrival order)
 * @param routeLabels          route labels, route-index order
 * @param routeUtilisation     per route: busy time of measured requests / (capacity * duration)
 */
public record SimulationResult(String routing, String serviceModel, String arrivals, long seed, long simulatedRequests,
        long measuredRequests, double durationSeconds, LatencySummary responseTime, LatencySummary waitingTime,
        LatencySummary serviceTime, double responseMeanCi95, List<String> routeLabels, List<Double> routeUtilisation) {
    /** Copies the lists. */
    public SimulationResult {
        routeLabels = List.copyOf(routeLabels);
        routeUtilisation = List.copyOf(routeUtilisation);
    }

    /**
     * Throughput of the measured part of the run.
     *
     * @return measured requests per simulated second
     */
    public double throughputPerSecond() {
        return durationSeconds > 0 ? measuredRequests / durationSeconds : 0;
    }
}
